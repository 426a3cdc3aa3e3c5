package io.orisun.bench;

import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the calls completed within one time window add up to. Workers record into it concurrently without locks;
 * one reader thread takes {@link #interval()} snapshots for the progress line and {@link #totals} at the end.
 * Latencies are kept in microseconds, to three significant digits.
 */
final class Tally {

    private final Recorder latency = new Recorder(3);
    private final Histogram accumulated = new Histogram(3);
    private final LongAdder requests = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();

    void success(int eventCount, long nanos) {
        latency.recordValue(Math.max(1, nanos / 1000));
        requests.increment();
        events.add(eventCount);
    }

    void conflict(long nanos) {
        latency.recordValue(Math.max(1, nanos / 1000));
        requests.increment();
        conflicts.increment();
    }

    /** Counts a failed call; the first failure of each kind is printed, so that a broken setup is visible at once. */
    void error(Throwable failure) {
        errors.increment();
        String kind = kind(failure);
        LongAdder count = errorKinds.get(kind);
        if (count == null) {
            LongAdder fresh = new LongAdder();
            count = errorKinds.putIfAbsent(kind, fresh);
            if (count == null) {
                count = fresh;
                StringBuilder causes = new StringBuilder();
                for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
                    causes.append("\n  caused by: ").append(cause);
                }
                System.err.println("\nfirst " + kind + " error: " + failure.getMessage() + causes);
            }
        }
        count.increment();
    }

    private static String kind(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status.getStatus().getCode().name();
        }
        return failure.getClass().getSimpleName();
    }

    long requests() {
        return requests.sum();
    }

    long events() {
        return events.sum();
    }

    long conflicts() {
        return conflicts.sum();
    }

    long errors() {
        return errors.sum();
    }

    /** The latencies recorded since the previous call; also added to the window's total. Single reader only. */
    Histogram interval() {
        Histogram interval = latency.getIntervalHistogram();
        accumulated.add(interval);
        return interval;
    }

    /** Everything recorded so far, over {@code seconds} of wall time. Single reader only. */
    Totals totals(double seconds) {
        interval();
        Map<String, Long> kinds = new TreeMap<>();
        errorKinds.forEach((kind, count) -> kinds.put(kind, count.sum()));
        return new Totals(seconds, requests(), events(), conflicts(), errors(), accumulated.copy(), kinds,
                WarmUp.Outcome.NONE, ProcessCpu.Use.NONE);
    }

    /**
     * A finished window's counts and latency distribution, with the warm-up that preceded it and the CPU that the
     * processes under test used per event inside it, when the loop measured them.
     */
    record Totals(double seconds, long requests, long events, long conflicts, long errors, Histogram latencyMicros,
                  Map<String, Long> errorKinds, WarmUp.Outcome warmUp, ProcessCpu.Use cpu) {

        /** These totals with the warm-up before them and the CPU used in them. */
        Totals with(WarmUp.Outcome warmUp, ProcessCpu.Use cpu) {
            return new Totals(seconds, requests, events, conflicts, errors, latencyMicros, errorKinds, warmUp, cpu);
        }

        double eventsPerSecond() {
            return events / seconds;
        }

        double requestsPerSecond() {
            return requests / seconds;
        }

        /** The latency at {@code percentile} (0 to 100) in milliseconds, or NaN without samples. */
        double latencyMillis(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN
                    : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }
}
