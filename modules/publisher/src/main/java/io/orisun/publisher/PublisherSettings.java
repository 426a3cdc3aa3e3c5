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
 * @param leaseRetry    how often a node that does not hold a boundary's publisher lease tries to take it; a node
 *                      that leads other boundaries already waits one more interval per boundary it leads
 * @param leaseTimeout  how long the lease outlives a holder that stops talking to PostgreSQL (paused, partitioned):
 *                      the lease session's {@code idle_session_timeout}, at least one second; the holder touches
 *                      its session four times per timeout while it is healthy
 * @param stream        the limits of each boundary's stream
 */
public record PublisherSettings(String nodeId, int batchSize, boolean listenEnabled, Duration idleWait,
                                Duration leaseRetry, Duration leaseTimeout, StreamSettings stream) {

    /** The default {@link #leaseTimeout()}: a paused holder is replaced within about six seconds. */
    public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(5);

    /** @throws IllegalArgumentException when a value is out of range */
    public PublisherSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(idleWait, "idleWait");
        Objects.requireNonNull(leaseRetry, "leaseRetry");
        Objects.requireNonNull(leaseTimeout, "leaseTimeout");
        Objects.requireNonNull(stream, "stream");
        if (batchSize < 1 || batchSize > ReadRequest.MAX_COUNT) {
            throw new IllegalArgumentException("publisher batch size must be 1-" + ReadRequest.MAX_COUNT + ", not "
                    + batchSize);
        }
        if (!idleWait.isPositive() || !leaseRetry.isPositive()) {
            throw new IllegalArgumentException("publisher wait intervals must be positive");
        }
        if (leaseTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("publisher lease timeout must be at least 1s, not " + leaseTimeout);
        }
    }

    /** These settings for the node named {@code nodeId}: a node that generates its name learns it after reading them. */
    public PublisherSettings withNodeId(String nodeId) {
        return new PublisherSettings(nodeId, batchSize, listenEnabled, idleWait, leaseRetry, leaseTimeout, stream);
    }

    /** How often a healthy holder touches its lease session: a quarter of the lease timeout. */
    public Duration heartbeat() {
        return leaseTimeout.dividedBy(4);
    }

    /**
     * The usual settings: with LISTEN, a 5-second catch-up tick as the safety net for a lost notification; without
     * it, a poll every second; a lease retry every second, so that a node takes over about a second after the
     * holder's session ends.
     */
    public static PublisherSettings of(String nodeId, int batchSize, boolean listenEnabled, Duration leaseTimeout,
                                       StreamSettings stream) {
        return new PublisherSettings(nodeId, batchSize, listenEnabled,
                listenEnabled ? Duration.ofSeconds(5) : Duration.ofSeconds(1), Duration.ofSeconds(1), leaseTimeout,
                stream);
    }
}
