package io.orisun.publisher;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of each boundary's JetStream stream. The stream only speeds up delivery: the event log in PostgreSQL stays
 * the source of truth, so these limits bound memory without ever costing a subscriber an event.
 *
 * @param maxAge      how long the stream keeps a message; zero means no age limit
 * @param maxBytes    the stream's size cap in bytes, or -1 for none
 * @param maxMessages the stream's message cap, or -1 for none
 * @param replicas    JetStream replicas, 1-{@value #MAX_REPLICAS}
 */
public record StreamSettings(Duration maxAge, long maxBytes, long maxMessages, int replicas) {

    /** The longest time within which a republished message is recognised and dropped by JetStream. */
    public static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(2);

    /** The most replicas JetStream keeps of a stream. */
    public static final int MAX_REPLICAS = 5;

    /** @throws IllegalArgumentException when a limit is out of range */
    public StreamSettings {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("stream max age must not be negative");
        }
        if (maxBytes == 0 || maxBytes < -1 || maxMessages == 0 || maxMessages < -1) {
            throw new IllegalArgumentException("stream caps must be positive or -1 (no cap)");
        }
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("stream replicas must be 1-" + MAX_REPLICAS + ", not " + replicas);
        }
    }

    /**
     * The duplicate window: {@link #DUPLICATE_WINDOW}, shortened to the max age when that is shorter, because
     * JetStream refuses a window longer than the age limit.
     */
    public Duration duplicateWindow() {
        return maxAge.isZero() || maxAge.compareTo(DUPLICATE_WINDOW) >= 0 ? DUPLICATE_WINDOW : maxAge;
    }
}
