package io.orisun.ccc;

/** The statements that {@link BoundarySchema} runs around the Flyway migration of one boundary. */
final class SchemaStatements {

    /** Formatted with the quoted schema. */
    static final String CREATE_SCHEMA = "CREATE SCHEMA IF NOT EXISTS %s";

    /** Whether the history table exists; the parameter is its quoted, qualified name. */
    static final String HISTORY_EXISTS = "SELECT to_regclass(?) IS NOT NULL";

    /** Formatted with the quoted, qualified history table: its rows, oldest first. */
    static final String HISTORY = """
            SELECT version, description, type, script, checksum, success
            FROM %s
            ORDER BY installed_rank""";

    private SchemaStatements() {
    }
}
