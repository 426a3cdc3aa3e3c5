package io.orisun.ccc;

/** The statements that {@link BoundarySchema} runs around the Flyway migration of one boundary. */
final class SchemaStatements {

    /**
     * Session-level, so that it spans the whole Flyway run with its own transactions. The key is a bind parameter:
     * the text {@code "<schema>.<boundary>#migrate"}, hashed like the writer lock's key but distinct from it.
     */
    static final String LOCK = "SELECT pg_advisory_lock(hashtextextended(?, 0))";
    static final String UNLOCK = "SELECT pg_advisory_unlock(hashtextextended(?, 0))";

    /** Formatted with the quoted schema. */
    static final String CREATE_SCHEMA = "CREATE SCHEMA IF NOT EXISTS %s";

    private SchemaStatements() {
    }
}
