package io.orisun.api;

import java.util.List;

/**
 * The event log of every configured boundary. Implementations are thread-safe; calls block until the
 * database answers.
 *
 * <p>Failures are {@link OrisunException}s: {@link NotFound} for an unknown boundary, {@link InvalidRequest}
 * for malformed input, {@link ConsistencyViolation} when a condition does not hold, and {@link Unavailable}
 * when the database cannot be reached or the log is shutting down.
 */
public interface EventLog extends EventLogReader {

    /** Appends the events atomically if the condition holds, and returns their positions. */
    SaveResult save(SaveRequest request);

    /** The newest event matching each criterion, from one snapshot. Every criterion needs a tag. */
    LatestByCriteria latest(String boundary, List<Criterion> criteria);

    /** The exact number of events in the boundary, without scanning it. */
    long count(String boundary);
}
