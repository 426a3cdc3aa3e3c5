package io.orisun.server.config;

/**
 * Group commit: queued saves of one boundary are written together in one transaction.
 *
 * @param maxBatchRequests most save requests in one transaction
 * @param maxBatchEvents   most events in one transaction; a request that would exceed it waits for the next one
 * @param maxPending       save requests queued per boundary before callers wait
 */
public record GroupCommitConfig(int maxBatchRequests, int maxBatchEvents, int maxPending) {

    /** @throws IllegalArgumentException when a limit is not positive */
    public GroupCommitConfig {
        if (maxBatchRequests < 1 || maxBatchEvents < 1 || maxPending < 1) {
            throw new IllegalArgumentException("group commit limits must be positive");
        }
    }
}
