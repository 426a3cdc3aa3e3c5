package io.orisun.publisher;

/**
 * The statements {@link PublisherSession} runs. Names come from the validated boundary spec, quoted by
 * {@link io.orisun.api.BoundarySpec#quote}; every value is a {@code ?} parameter.
 */
final class PublisherStatements {

    /** Parameter: this session's application name. */
    static final String NAME_SESSION = """
            SELECT set_config('application_name', ?, false)""";

    /**
     * Takes the boundary's publisher lease if no session holds it. A session-level advisory lock: it stays with the
     * session until released or until the session ends, which is what makes a dead node's lease expire.
     * Parameter: the lease name.
     */
    static final String TRY_LEASE = """
            SELECT pg_try_advisory_lock(hashtextextended(?, 0))""";

    /** Parameter: the lease name. */
    static final String RELEASE_LEASE = """
            SELECT pg_advisory_unlock(hashtextextended(?, 0))""";

    /** Formatted with the quoted channel name; the save function notifies it after every committed batch. */
    static final String LISTEN = "LISTEN %s";

    /** Formatted with the checkpoint table. */
    static final String READ_CHECKPOINT = """
            SELECT transaction_id, global_id FROM %s WHERE singleton""";

    /**
     * Formatted with the checkpoint table. Parameters: the new position, twice. The checkpoint only moves forward,
     * so a late write can never take it back.
     */
    static final String ADVANCE_CHECKPOINT = """
            UPDATE %s
               SET transaction_id = ?, global_id = ?, updated_at = clock_timestamp()
             WHERE singleton AND (transaction_id, global_id) < (?, ?)""";

    private PublisherStatements() {
    }
}
