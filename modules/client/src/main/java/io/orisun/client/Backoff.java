package io.orisun.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: before retry {@code n} (from 1) wait a random time between zero and
 * {@code min(max, initial * 2^(n-1))}, so that clients that collided do not collide again in step.
 */
record Backoff(Duration initial, Duration max) {

    Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    /** The longest wait before retry {@code attempt}. */
    long ceilingMillis(int attempt) {
        long ceiling = initial.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
        return Math.min(ceiling, max.toMillis());
    }

    /** Sleeps before retry {@code attempt}; an interrupt restores the flag and becomes an unchecked failure. */
    void pause(int attempt) {
        long ceiling = ceilingMillis(attempt);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }
}
