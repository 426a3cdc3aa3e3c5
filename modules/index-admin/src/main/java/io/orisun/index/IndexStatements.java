package io.orisun.index;

/**
 * The statements index administration runs, other than the DDL that {@link IndexDdl} renders. Table names come
 * from {@link BoundaryObjects}; every value is a {@code ?} parameter.
 */
final class IndexStatements {

    /** Formatted with the catalog table. */
    static final String SELECT_ALL = """
            SELECT name, field_keys, field_types, condition_keys, condition_operators, condition_values, combinator,
                   state, last_error
              FROM %s
             ORDER BY name""";

    /** Formatted with the catalog table. */
    static final String SELECT_ONE = """
            SELECT name, field_keys, field_types, condition_keys, condition_operators, condition_values, combinator,
                   state, last_error
              FROM %s
             WHERE name = ?""";

    /** Formatted with the catalog table. */
    static final String SELECT_PHYSICAL_NAME = """
            SELECT physical_name FROM %s WHERE name = ?""";

    /** Records a build that is starting, replacing an interrupted or failed one of the same name. */
    static final String UPSERT_BUILDING = """
            INSERT INTO %s AS i (name, physical_name, field_keys, field_types, condition_keys, condition_operators,
                                 condition_values, combinator, state, last_error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
            ON CONFLICT (name) DO UPDATE
               SET physical_name = excluded.physical_name,
                   field_keys = excluded.field_keys,
                   field_types = excluded.field_types,
                   condition_keys = excluded.condition_keys,
                   condition_operators = excluded.condition_operators,
                   condition_values = excluded.condition_values,
                   combinator = excluded.combinator,
                   state = excluded.state,
                   last_error = NULL,
                   updated_at = clock_timestamp()""";

    /** Formatted with the catalog table; binds state, last error (or NULL), name. */
    static final String SET_STATE = """
            UPDATE %s SET state = ?, last_error = ?, updated_at = clock_timestamp() WHERE name = ?""";

    /** Formatted with the catalog table. */
    static final String DELETE = """
            DELETE FROM %s WHERE name = ?""";

    /**
     * What holds a name in the schema: binds the qualified event table, then the qualified index name. No row when
     * the name is free; otherwise the relation kind, whether it is a valid index, and whether it indexes the table.
     */
    static final String PHYSICAL = """
            SELECT c.relkind::text, coalesce(i.indisvalid, false), coalesce(i.indrelid = to_regclass(?)::oid, false)
              FROM pg_class c
              LEFT JOIN pg_index i ON i.indexrelid = c.oid
             WHERE c.oid = to_regclass(?)::oid""";

    private IndexStatements() {
    }
}
