/**
 * The PostgreSQL event log: per-boundary tables created by versioned migrations, saves with the Command Context
 * Consistency check and group commit, and reads of a stable committed prefix. {@link io.orisun.ccc.PgEventLog}
 * implements the api's {@code EventLog}; {@link io.orisun.ccc.BoundarySchema} creates and upgrades a boundary's
 * tables.
 *
 * <p>The package is not opened: Flyway receives the migrations ({@code io/orisun/ccc/V*__*.sql}) through a
 * resource provider of this module rather than by scanning, which on the module path would need an unconditional
 * {@code opens}.
 */
module io.orisun.ccc {
    requires transitive io.orisun.api;
    requires transitive java.sql;
    requires com.fasterxml.jackson.core;
    requires flyway.core;
    requires org.postgresql.jdbc;

    exports io.orisun.ccc;
}
