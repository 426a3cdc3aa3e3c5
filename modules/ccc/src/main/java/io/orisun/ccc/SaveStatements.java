package io.orisun.ccc;

/** The statement the group committer runs: one call of the boundary's save function per flush. */
final class SaveStatements {

    /** Formatted with the qualified save function; see V1__event_log.sql for its arguments and result. */
    static final String SAVE_BATCH = """
            SELECT outcome, first_tx, first_gid, last_tx, last_gid, detail
              FROM %s(?::jsonb, ?::text[], ?::text[], ?::text[], ?::text[])""";

    private SaveStatements() {
    }

    static String saveBatch(BoundaryTables tables) {
        return SAVE_BATCH.formatted(tables.saveBatch());
    }
}
