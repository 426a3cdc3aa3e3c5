package io.orisun.ccc;

/** The statement the group committer runs: one call of the boundary's save function per flush. */
final class SaveStatements {

    /** Formatted with the qualified save function; see V1__event_log.sql for its arguments and result. */
    static final String SAVE_BATCH = """
            SELECT outcome, first_tx, first_gid, last_tx, last_gid, detail
              FROM %s(?::jsonb, ?::text[], ?::text[], ?::text[], ?::text[])""";

    /**
     * Formatted with the writer lock key function: whether a session named {@value BoundaryMove#APPLICATION_NAME}
     * holds the boundary's writer lock, that is whether a move paused its writes. An advisory lock on one
     * {@code bigint} key shows in {@code pg_locks} as its high half in {@code classid} and its low half in
     * {@code objid}, with {@code objsubid} 1.
     */
    static final String PAUSED_BY_MOVE = """
            SELECT EXISTS (
                SELECT 1
                  FROM pg_locks l
                  JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE l.locktype = 'advisory'
                   AND l.granted
                   AND l.objsubid = 1
                   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                   AND l.classid::bigint = (k.key >> 32) & 4294967295
                   AND l.objid::bigint = k.key & 4294967295
                   AND a.application_name = ?)
              FROM (SELECT %s() AS key) k""";

    private SaveStatements() {
    }

    static String saveBatch(BoundaryTables tables) {
        return SAVE_BATCH.formatted(tables.saveBatch());
    }
}
