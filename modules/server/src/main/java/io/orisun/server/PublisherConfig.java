package io.orisun.server;

/**
 * The PostgreSQL-to-JetStream publisher.
 *
 * @param batchSize most events read from PostgreSQL and published per batch (one checkpoint write each)
 */
public record PublisherConfig(int batchSize) {

    /** @throws IllegalArgumentException when the batch size is not positive */
    public PublisherConfig {
        if (batchSize < 1) {
            throw new IllegalArgumentException("publisher batch size must be positive, not " + batchSize);
        }
    }
}
