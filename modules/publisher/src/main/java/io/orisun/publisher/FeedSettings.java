package io.orisun.publisher;

import io.orisun.api.ReadRequest;
import java.time.Duration;
import java.util.Objects;

/**
 * How catch-up subscriptions of a node read and follow a boundary.
 *
 * @param ringCapacity how many recent events each boundary's live feed keeps for its subscribers, a power of two;
 *                     a subscriber that falls further behind reads the log instead
 * @param ringMaxChars the largest event (data plus metadata, in characters) the ring keeps; larger events are read
 *                     from the log, so that the ring's memory stays bounded by capacity times this
 * @param pageSize     events per read from PostgreSQL while catching up, 1-{@value ReadRequest#MAX_COUNT}; also
 *                     the most events a subscriber holds in memory
 * @param tick         how often the feed checks its JetStream consumer and compares the log head with what it
 *                     received; a subscriber waits at most about two ticks for an event the feed missed
 * @param stream       the limits of the stream, used when the feed has to create it
 */
public record FeedSettings(int ringCapacity, int ringMaxChars, int pageSize, Duration tick, StreamSettings stream) {

    /** @throws IllegalArgumentException when a value is out of range */
    public FeedSettings {
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(stream, "stream");
        if (ringCapacity < 2 || Integer.bitCount(ringCapacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two of at least 2, not " + ringCapacity);
        }
        if (ringMaxChars < 1) {
            throw new IllegalArgumentException("the ring's largest event must be positive, not " + ringMaxChars);
        }
        if (pageSize < 1 || pageSize > ReadRequest.MAX_COUNT) {
            throw new IllegalArgumentException("page size must be 1-" + ReadRequest.MAX_COUNT + ", not " + pageSize);
        }
        if (!tick.isPositive()) {
            throw new IllegalArgumentException("the feed tick must be positive");
        }
    }

    /**
     * A ring of 4096 events of at most 16,384 characters each (at most about 128 MiB per boundary), pages of 500 and
     * a one-second tick.
     */
    public static FeedSettings of(StreamSettings stream) {
        return new FeedSettings(4096, 16_384, 500, Duration.ofSeconds(1), stream);
    }
}
