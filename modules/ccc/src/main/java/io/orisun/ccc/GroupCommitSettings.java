package io.orisun.ccc;

import java.time.Duration;
import java.util.Objects;

/**
 * How saves to one boundary are grouped into shared transactions, and how long one group may hold the boundary.
 *
 * @param maxBatchRequests the most save requests committed in one transaction
 * @param maxBatchEvents   the most events committed in one transaction; a single request with more events is
 *                         still committed, alone
 * @param maxPending       the most requests waiting per boundary; beyond it, callers block until there is room
 * @param writeBudget      the longest one call of the save function may run, the wait for the writer lock
 *                         included: past it the statement is cancelled, so that no request keeps the boundary's
 *                         other writers waiting longer. Applied in whole seconds, rounded up.
 */
public record GroupCommitSettings(int maxBatchRequests, int maxBatchEvents, int maxPending, Duration writeBudget) {

    /** The write budget when none is given: 2 seconds. */
    public static final Duration DEFAULT_WRITE_BUDGET = Duration.ofSeconds(2);

    /** 512 requests or 1024 events per transaction, up to 4096 waiting requests per boundary, a 2 s write budget. */
    public static final GroupCommitSettings DEFAULTS = new GroupCommitSettings(512, 1024, 4096);

    /** Throws {@link IllegalArgumentException} unless every limit is at least 1 and the budget at least 1 s. */
    public GroupCommitSettings {
        requirePositive("maxBatchRequests", maxBatchRequests);
        requirePositive("maxBatchEvents", maxBatchEvents);
        requirePositive("maxPending", maxPending);
        Objects.requireNonNull(writeBudget, "writeBudget");
        if (writeBudget.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("writeBudget must be at least 1s, got " + writeBudget);
        }
    }

    /** The given batch limits with the {@link #DEFAULT_WRITE_BUDGET}. */
    public GroupCommitSettings(int maxBatchRequests, int maxBatchEvents, int maxPending) {
        this(maxBatchRequests, maxBatchEvents, maxPending, DEFAULT_WRITE_BUDGET);
    }

    /** These settings with another write budget. */
    public GroupCommitSettings withWriteBudget(Duration budget) {
        return new GroupCommitSettings(maxBatchRequests, maxBatchEvents, maxPending, budget);
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
