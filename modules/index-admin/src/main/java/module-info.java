/**
 * Payload indexes of a boundary's events: validated definitions, their concurrent creation and removal as
 * PostgreSQL expression indexes, a per-boundary catalog of their state (building, ready, failed), and the advice
 * that names the criteria which ran without a usable index. {@link io.orisun.index.IndexAdmin} is the entry point.
 */
module io.orisun.index {
    requires transitive io.orisun.api;
    requires transitive java.sql;
    requires org.postgresql.jdbc;

    exports io.orisun.index;
}
