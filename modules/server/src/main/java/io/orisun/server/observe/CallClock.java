package io.orisun.server.observe;

import io.micrometer.core.instrument.Timer;
import io.opentelemetry.context.ContextKey;
import java.util.concurrent.TimeUnit;

/**
 * The times of one RPC that the observed event log splits a save's latency with: {@link RpcObservation} puts it in
 * the call's context when the call arrives, {@link ObservedEventLog} reads the arrival when the save starts and
 * marks when the save has its answer, and the call's close records the time from that mark into the given timer.
 * The handler thread sets the mark and closes the call, one after the other, so the fields need no fence.
 */
final class CallClock {

    static final ContextKey<CallClock> KEY = ContextKey.named("orisun.call-clock");

    private final long arrived;
    private Timer untilClosed;
    private long answered;

    CallClock(long arrived) {
        this.arrived = arrived;
    }

    /** When the call arrived, in {@link System#nanoTime()}. */
    long arrived() {
        return arrived;
    }

    /** The handler had its answer at {@code answered}; the time from it to the call's close goes to {@code timer}. */
    void answered(Timer timer, long answered) {
        this.untilClosed = timer;
        this.answered = answered;
    }

    /** The call closed at {@code closed}. */
    void closed(long closed) {
        if (untilClosed != null) {
            untilClosed.record(closed - answered, TimeUnit.NANOSECONDS);
        }
    }
}
