package io.orisun.server;

/**
 * The PostgreSQL-to-JetStream publisher.
 *
 * @param batchSize most events read from PostgreSQL and published per batch (one checkpoint write each)
 */
public record PublisherConfig(int batchSize) {

    /** @throws IllegalArgumentException when the batch size is not between 1 and the largest read page */
    public PublisherConfig {
        if (batchSize < 1 || batchSize > io.orisun.api.ReadRequest.MAX_COUNT) {
            throw new IllegalArgumentException("publisher batch size must be between 1 and "
                    + io.orisun.api.ReadRequest.MAX_COUNT + ", not " + batchSize);
        }
    }
}
