/**
 * Delivery of committed events. Per boundary, one publisher across the cluster drains the PostgreSQL log into a
 * NATS JetStream stream in position order, acknowledging before it checkpoints; catch-up subscriptions replay the
 * log and then follow one shared live feed per boundary and node, falling back to the log whenever the feed cannot
 * prove it has the next position; plain pub/sub carries ephemeral messages over core NATS.
 */
module io.orisun.publisher {
    requires transitive io.orisun.api;
    requires transitive java.sql;
    requires transitive io.nats.jnats;
    requires org.postgresql.jdbc;
    requires com.fasterxml.jackson.core;

    exports io.orisun.publisher;
}
