package io.orisun.ccc;

/**
 * The statements {@link BoundaryMove} runs. Table names come from {@link BoundaryTables}; every value is a {@code ?}
 * parameter. Creation times travel as microseconds since the epoch (a {@code bigint}, exact since PostgreSQL 14
 * made {@code extract} return {@code numeric}), so that neither side's {@code TimeZone} or {@code DateStyle} can
 * change them; JSON travels as the text of the stored {@code jsonb}, which reads back as the same value.
 */
final class MoveStatements {

    /**
     * Formatted with {@link BoundaryMove#APPLICATION_NAME}, a constant: names the pausing session, so that saves
     * can tell a paused boundary from a slow one.
     */
    static final String NAME_SESSION = "SET application_name = '%s'";

    /** Returns the pausing session's name to what its pool set. */
    static final String UNNAME_SESSION = "RESET application_name";

    /** Formatted with the writer lock key function: waits for the boundary's writer lock, as a session lock. */
    static final String PAUSE = "SELECT pg_advisory_lock(%s())";

    /** Formatted with the writer lock key function: releases the session lock {@link #PAUSE} took. */
    static final String RESUME = "SELECT pg_advisory_unlock(%s())";

    /** Formatted with the head table. */
    static final String HEAD = "SELECT transaction_id, global_id, event_count, updated_at FROM %s";

    /** Formatted with the checkpoint table. */
    static final String CHECKPOINT = "SELECT transaction_id, global_id, updated_at FROM %s";

    /** Formatted with the projector checkpoint table. */
    static final String PROJECTORS = "SELECT name, transaction_id, global_id, updated_at FROM %s ORDER BY name";

    /** Formatted with the event table: whether it holds any event. */
    static final String ANY_EVENT = "SELECT EXISTS (SELECT 1 FROM %s)";

    /** Formatted with the projector checkpoint table: whether it holds any row. */
    static final String ANY_PROJECTOR = "SELECT EXISTS (SELECT 1 FROM %s)";

    /** Formatted with the event table: whether an event lies after the position. */
    static final String ANY_AFTER = "SELECT EXISTS (SELECT 1 FROM %s WHERE (transaction_id, global_id) > (?, ?))";

    /** Formatted with the event table: the next chunk after a position, in position order, at most ? events. */
    static final String CHUNK = """
            SELECT transaction_id, global_id, event_id, event_type, data::text, metadata::text,
                   (extract(epoch FROM date_created) * 1000000)::bigint
              FROM %s
             WHERE (transaction_id, global_id) > (?, ?)
             ORDER BY transaction_id, global_id
             LIMIT ?""";

    /** Formatted with the event table: one chunk, as parallel arrays. */
    static final String INSERT_CHUNK = """
            INSERT INTO %s (transaction_id, global_id, event_id, event_type, data, metadata, date_created)
            SELECT r.t, r.g, r.i, r.y, r.d::jsonb, r.m::jsonb, timestamptz 'epoch' + r.u * interval '1 microsecond'
              FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])
                       AS r(t, g, i, y, d, m, u)""";

    /**
     * Formatted with the event table: the position that ends the chunk after a position, the {@code ?}th event
     * after it (or nothing when fewer remain). An index-only walk of the primary key.
     */
    static final String CHUNK_END = """
            SELECT transaction_id, global_id
              FROM %s
             WHERE (transaction_id, global_id) > (?, ?)
             ORDER BY transaction_id, global_id
            OFFSET ? LIMIT 1""";

    /**
     * Formatted with the event table: the count and an MD5 over every column of the events in (from, to], in
     * position order. Each event is rendered as a JSON array, so no two different events render alike.
     */
    static final String CHUNK_SUM = """
            SELECT count(*),
                   coalesce(md5(string_agg(json_build_array(transaction_id, global_id, event_id, event_type, data,
                                                            metadata,
                                                            (extract(epoch FROM date_created) * 1000000)::bigint
                                                           )::text, E'\\n' ORDER BY transaction_id, global_id)), '')
              FROM %s
             WHERE (transaction_id, global_id) > (?, ?)
               AND (transaction_id, global_id) <= (?, ?)""";

    /** Formatted with the head table: sets the one row as the source has it. */
    static final String SET_HEAD = """
            UPDATE %s SET transaction_id = ?, global_id = ?, event_count = ?, updated_at = ?""";

    /** Formatted with the checkpoint table: sets the one row as the source has it. */
    static final String SET_CHECKPOINT = "UPDATE %s SET transaction_id = ?, global_id = ?, updated_at = ?";

    /** Formatted with the projector checkpoint table. */
    static final String INSERT_PROJECTOR = """
            INSERT INTO %s (name, transaction_id, global_id, updated_at) VALUES (?, ?, ?, ?)""";

    /** Formatted with the quoted schema that receives the retired objects. */
    static final String CREATE_RETIRED_SCHEMA = "CREATE SCHEMA %s";

    /** Formatted with a table and the quoted retired schema. */
    static final String RETIRE_TABLE = "ALTER TABLE %s SET SCHEMA %s";

    /** Formatted with the save function and the quoted retired schema; the argument list names the function. */
    static final String RETIRE_SAVE = "ALTER FUNCTION %s(jsonb, text[], text[], text[], text[]) SET SCHEMA %s";

    /** Whether a relation of the (quoted, qualified) name given as the parameter exists. */
    static final String RELATION_EXISTS = "SELECT to_regclass(?) IS NOT NULL";

    /** Whether a schema of the name given as the parameter exists. */
    static final String SCHEMA_EXISTS = "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)";

    /** Formatted with a table: drops it with its indexes. */
    static final String DROP_TABLE = "DROP TABLE IF EXISTS %s";

    /** Formatted with the save function. */
    static final String DROP_SAVE = "DROP FUNCTION IF EXISTS %s(jsonb, text[], text[], text[], text[])";

    /** Formatted with the writer lock key function. */
    static final String DROP_LOCK_KEY = "DROP FUNCTION IF EXISTS %s()";

    /** Formatted with a quoted schema: drops it only when nothing is left in it. */
    static final String DROP_EMPTY_SCHEMA = "DROP SCHEMA IF EXISTS %s RESTRICT";

    private MoveStatements() {
    }
}
