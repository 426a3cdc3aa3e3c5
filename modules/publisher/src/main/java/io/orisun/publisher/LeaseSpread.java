package io.orisun.publisher;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Spreads a node's publisher leases over the nodes sharing the database, without any coordination beyond the leases
 * themselves.
 *
 * <p>Two rules. A node waits before trying a free lease one retry interval more for every lease it already holds,
 * so the node with the fewest leases tends to win a free one. And a node holding more than its fair share
 * ({@code ceil(boundaries / publishing nodes)}) gives one lease up at a time, at most once per ten lease retry
 * intervals and not within ten of taking one, then stays away from it for five, so that a node with fewer leases
 * takes it. Delivery never depends on the spread: a given-up boundary is taken over from its checkpoint like after
 * a crash, only sooner. The spread assumes the nodes publish the same boundaries.
 */
final class LeaseSpread {

    private final AtomicInteger held = new AtomicInteger();
    private final IntSupplier boundaries;
    private final Duration leaseRetry;
    private final long yieldIntervalNanos;
    private final AtomicLong nextYield;

    /**
     * @param boundaries how many boundaries this node publishes, led or not
     * @param leaseRetry how often standby loops try their lease
     */
    LeaseSpread(IntSupplier boundaries, Duration leaseRetry) {
        this.boundaries = boundaries;
        this.leaseRetry = leaseRetry;
        this.yieldIntervalNanos = leaseRetry.multipliedBy(10).toNanos();
        this.nextYield = new AtomicLong(System.nanoTime() + yieldIntervalNanos);
    }

    /** How long a loop that gave its lease up leaves it to the other nodes. */
    Duration yieldHoldOff() {
        return leaseRetry.multipliedBy(5);
    }

    /** Counts a lease taken, and restarts the interval: a node gives nothing up right after it took something. */
    void acquired() {
        held.incrementAndGet();
        nextYield.set(System.nanoTime() + yieldIntervalNanos);
    }

    void released() {
        held.decrementAndGet();
    }

    /** How many leases this node holds. */
    int held() {
        return held.get();
    }

    /** How long a standby loop waits before trying its lease again: one retry more per lease this node holds. */
    Duration standbyDelay() {
        return leaseRetry.multipliedBy(1L + Math.max(0, held.get()));
    }

    /** The fair share of leases per node. */
    static int fairShare(int boundaries, int nodes) {
        return (boundaries + Math.max(1, nodes) - 1) / Math.max(1, nodes);
    }

    /**
     * Whether a loop may give a lease up at this moment, by the clock alone. A loop asks this before it counts the
     * publishing nodes: that count is a query on {@code pg_stat_activity}, and a publisher that finishes a short
     * batch many times a second must not run it each time when no yield can follow.
     */
    boolean yieldDue() {
        return System.nanoTime() - nextYield.get() >= 0;
    }

    /**
     * Whether the calling loop should give its lease up now: true for at most one loop per ten lease retries, and
     * only while this node holds more than its fair share.
     */
    boolean shouldYield(int publishingNodes) {
        if (held.get() <= fairShare(boundaries.getAsInt(), publishingNodes)) {
            return false;
        }
        long now = System.nanoTime();
        long next = nextYield.get();
        return now - next >= 0 && nextYield.compareAndSet(next, now + yieldIntervalNanos);
    }
}
