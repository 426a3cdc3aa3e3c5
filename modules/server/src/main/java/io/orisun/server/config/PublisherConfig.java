package io.orisun.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The PostgreSQL-to-JetStream publisher.
 *
 * @param batchSize    most events read from PostgreSQL and published per batch (one checkpoint write each)
 * @param leaseTimeout how long a node that stopped talking to PostgreSQL keeps a boundary's publisher lease
 */
public record PublisherConfig(int batchSize, Duration leaseTimeout) {

    /** @throws IllegalArgumentException when the batch size is not between 1 and the largest read page */
    public PublisherConfig {
        Objects.requireNonNull(leaseTimeout, "leaseTimeout");
        if (batchSize < 1 || batchSize > io.orisun.api.ReadRequest.MAX_COUNT) {
            throw new IllegalArgumentException("publisher batch size must be between 1 and "
                    + io.orisun.api.ReadRequest.MAX_COUNT + ", not " + batchSize);
        }
        if (leaseTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("publisher lease timeout must be at least 1s, not " + leaseTimeout);
        }
    }
}
