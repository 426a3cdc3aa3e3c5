package io.orisun.ccc;

/**
 * How saves to one boundary are grouped into shared transactions.
 *
 * @param maxBatchRequests the most save requests committed in one transaction
 * @param maxBatchEvents   the most events committed in one transaction; a single request with more events is
 *                         still committed, alone
 * @param maxPending       the most requests waiting per boundary; beyond it, callers block until there is room
 */
public record GroupCommitSettings(int maxBatchRequests, int maxBatchEvents, int maxPending) {

    /** 512 requests or 1024 events per transaction, and up to 4096 waiting requests per boundary. */
    public static final GroupCommitSettings DEFAULTS = new GroupCommitSettings(512, 1024, 4096);

    /** Throws {@link IllegalArgumentException} unless every limit is at least 1. */
    public GroupCommitSettings {
        requirePositive("maxBatchRequests", maxBatchRequests);
        requirePositive("maxBatchEvents", maxBatchEvents);
        requirePositive("maxPending", maxPending);
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
