package io.orisun.ccc;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does the save path's JSON-object check cost per event payload (256 bytes, as the load tool writes)? The server
 * serves each gRPC stream on a virtual thread of its own, so a save's check runs on a thread that has never run one;
 * {@link #checkOnFreshVirtualThread} measures it there, next to {@link #freshVirtualThread} (the thread alone), and
 * {@link #checkOnSameThread} on a thread that repeats it. The class sits in ccc's package because the check is
 * internal to it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class JsonObjectCheckBenchmark {

    private static final String PAYLOAD = "{\"benchmark_context\":\"w-0123abcd-write-conditional-1-7-4242\",\"pad\":\""
            + "x".repeat(190) + "\"}";

    @Benchmark
    public void checkOnSameThread() {
        JsonObjectCheck.requireObject(PAYLOAD, "events[0].data");
    }

    @Benchmark
    public void checkOnFreshVirtualThread() throws InterruptedException {
        Thread.ofVirtual().start(() -> JsonObjectCheck.requireObject(PAYLOAD, "events[0].data")).join();
    }

    @Benchmark
    public void freshVirtualThread() throws InterruptedException {
        Thread.ofVirtual().start(() -> { }).join();
    }
}
