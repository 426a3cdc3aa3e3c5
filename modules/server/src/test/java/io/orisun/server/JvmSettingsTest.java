package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class JvmSettingsTest {

    @Test
    void the_start_up_line_reports_the_heap_limit_collector_processors_and_aot_cache_of_this_jvm() {
        JvmSettings jvm = JvmSettings.current();

        assertThat(jvm.maxHeapBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(jvm.processors()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(jvm.garbageCollector())
                .contains(ManagementFactory.getGarbageCollectorMXBeans().getFirst().getName());
        assertThat(jvm.aotCache()).as("tests run without an AOT cache").isEmpty();
        assertThat(jvm.summary())
                .contains("max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB")
                .contains(jvm.processors() + " processor(s)")
                .endsWith("AOT cache off");
    }
}
