package io.orisun.publisher;

import io.orisun.api.ReadRequest;
import java.time.Duration;
import java.util.Objects;

/**
 * How the publishers of a node behave.
 *
 * @param nodeId        this node's name, shown in the {@code application_name} of the publisher's connections
 * @param batchSize     most events read, published and checkpointed together, 1-{@value ReadRequest#MAX_COUNT}
 * @param listenEnabled whether an idle publisher waits for PostgreSQL notifications of new commits
 * @param idleWait      the longest an idle publisher waits before it looks at the log again: the catch-up tick
 *                      when listening, the polling interval otherwise
 * @param leaseRetry    how often a node that does not hold a boundary's publisher lease tries to take it
 * @param stream        the limits of each boundary's stream
 */
public record PublisherSettings(String nodeId, int batchSize, boolean listenEnabled, Duration idleWait,
                                Duration leaseRetry, StreamSettings stream) {

    /** @throws IllegalArgumentException when a value is out of range */
    public PublisherSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(idleWait, "idleWait");
        Objects.requireNonNull(leaseRetry, "leaseRetry");
        Objects.requireNonNull(stream, "stream");
        if (batchSize < 1 || batchSize > ReadRequest.MAX_COUNT) {
            throw new IllegalArgumentException("publisher batch size must be 1-" + ReadRequest.MAX_COUNT + ", not "
                    + batchSize);
        }
        if (!idleWait.isPositive() || !leaseRetry.isPositive()) {
            throw new IllegalArgumentException("publisher wait intervals must be positive");
        }
    }

    /**
     * The usual settings: with LISTEN, a 5-second catch-up tick as the safety net for a lost notification; without
     * it, a poll every second; a lease retry every second, so that a node takes over about a second after the
     * holder's session ends.
     */
    public static PublisherSettings of(String nodeId, int batchSize, boolean listenEnabled, StreamSettings stream) {
        return new PublisherSettings(nodeId, batchSize, listenEnabled,
                listenEnabled ? Duration.ofSeconds(5) : Duration.ofSeconds(1), Duration.ofSeconds(1), stream);
    }
}
