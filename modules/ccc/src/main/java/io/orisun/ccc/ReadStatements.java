package io.orisun.ccc;

/**
 * The statements the log reader runs. Table names come from {@link BoundaryTables}; predicates from
 * {@link CriteriaSql}; every value is a {@code ?} parameter.
 */
final class ReadStatements {

    /** Formatted with: table, start predicate, criteria predicate, direction (ASC or DESC). */
    static final String READ = """
            SELECT event_id, event_type, data::text, metadata::text, transaction_id, global_id, date_created
              FROM %1$s
             WHERE %2$s
               AND %3$s
             ORDER BY transaction_id %4$s, global_id %4$s
             LIMIT ?""";

    /**
     * One branch of the latest-by-criteria union, formatted with: criterion number, table, criterion predicate.
     * The branches are joined with {@code UNION ALL}, so that every criterion is answered from one snapshot.
     */
    static final String LATEST_BRANCH = """
            (SELECT %1$d AS criterion, event_id, event_type, data::text, metadata::text, transaction_id, global_id,
                    date_created
               FROM %2$s
              WHERE %3$s
              ORDER BY transaction_id DESC, global_id DESC
              LIMIT 1)""";

    /**
     * The consistency check's query, formatted with: table, criteria predicate. The save function runs the same
     * text with the values as array elements; this form exists to show its plan.
     */
    static final String CHECK = """
            SELECT e.transaction_id, e.global_id FROM %1$s e WHERE %2$s
             ORDER BY e.transaction_id DESC, e.global_id DESC LIMIT 1""";

    /**
     * The head and the newest event of a context, in one snapshot; formatted with: head table, the
     * {@link #CONTEXT_BRANCH}es of the context's criteria joined with {@code UNION ALL}.
     */
    static final String CONTEXT = """
            SELECT h.transaction_id, h.global_id, x.transaction_id, x.global_id
              FROM %1$s h
              LEFT JOIN LATERAL (SELECT u.transaction_id, u.global_id
                                   FROM (%2$s) u
                                  ORDER BY u.transaction_id DESC, u.global_id DESC
                                  LIMIT 1) x ON true""";

    /** The newest event of one criterion; formatted with: table, criterion predicate. */
    static final String CONTEXT_BRANCH = """
            (SELECT transaction_id, global_id FROM %1$s WHERE %2$s
              ORDER BY transaction_id DESC, global_id DESC LIMIT 1)""";

    /** Formatted with the head table. */
    static final String HEAD = """
            SELECT transaction_id, global_id, event_count FROM %s""";

    /** Row comparisons that the primary key (transaction_id, global_id) serves. */
    static final String AT_OR_AFTER = "(transaction_id, global_id) >= (?, ?)";
    static final String AFTER = "(transaction_id, global_id) > (?, ?)";
    static final String AT_OR_BEFORE = "(transaction_id, global_id) <= (?, ?)";
    static final String BEFORE = "(transaction_id, global_id) < (?, ?)";

    private ReadStatements() {
    }
}
