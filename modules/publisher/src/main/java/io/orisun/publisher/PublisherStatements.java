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
     * Makes the lease expire when its holder goes quiet: PostgreSQL ends a session idle for longer than the timeout
     * (and with it the advisory lock), and probes the holder's TCP connection so that a vanished host is noticed
     * as well. Parameters: the idle timeout in milliseconds, then the keepalive idle and interval in seconds.
     *
     * <p>The session's commits do not wait for the WAL flush. Its only writes are checkpoint advances, which sit on
     * the path from a save to its delivery; one lost in a database crash only moves the restart point back, and the
     * events after it are published again under the same message ids, which JetStream drops as duplicates.
     */
    static final String EXPIRE_LEASE = """
            SELECT set_config('idle_session_timeout', ?, false),
                   set_config('tcp_keepalives_idle', ?, false),
                   set_config('tcp_keepalives_interval', ?, false),
                   set_config('tcp_keepalives_count', '3', false),
                   set_config('synchronous_commit', 'off', false)""";

    /** Proves the lease session alive, and so the lease held: the lock lives exactly as long as the session. */
    static final String TOUCH = "SELECT 1";

    /**
     * The distinct node ids among the publisher sessions on this database, for spreading leases over the nodes.
     * Parameter: the application name prefix of publisher sessions, with a trailing {@code %}.
     */
    static final String PUBLISHING_NODES = """
            SELECT count(DISTINCT split_part(application_name, ' ', 2))
              FROM pg_stat_activity
             WHERE datname = current_database() AND application_name LIKE ?""";

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
