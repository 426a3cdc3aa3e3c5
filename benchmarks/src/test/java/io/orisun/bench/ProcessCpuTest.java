package io.orisun.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void the_tool_s_own_cpu_between_two_samples_is_divided_over_the_events() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "needs Linux /proc");
        ProcessCpu.Sample start = ProcessCpu.sample();
        // Spin for 300 ms of this thread's CPU time, not of wall time, so that a busy machine does not shrink it.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long until = threads.getCurrentThreadCpuTime() + 300_000_000L;
        long spin = 0;
        while (threads.getCurrentThreadCpuTime() < until) {
            spin += Long.numberOfTrailingZeros(spin + System.nanoTime());
        }
        ProcessCpu.Sample end = ProcessCpu.sample();

        ProcessCpu.Use use = ProcessCpu.between(start, end, 1000);

        assertThat(end.groups()).containsEntry(ProcessHandle.current().pid(), "tool");
        assertThat(use.of("tool")).as("300 ms of spinning over 1000 events, spin %d", spin).isPresent();
        assertThat(use.of("tool").orElseThrow()).isBetween(250.0, 5_000.0);
        assertThat(use.microsPerEvent()).containsOnlyKeys(ProcessCpu.GROUPS);
    }

    @Test
    void no_events_means_no_cpu_figures() {
        assertThat(ProcessCpu.between(ProcessCpu.sample(), ProcessCpu.sample(), 0)).isEqualTo(ProcessCpu.Use.NONE);
    }
}
