package io.orisun.server;

import io.orisun.server.catalog.BoundaryRegistry;
import io.orisun.server.config.OrisunConfig;

import io.nats.client.Connection;
import io.orisun.ccc.PgEventLog;
import javax.sql.DataSource;

/**
 * What a running node hands to the components it wires: configuration, identity, the three connection pools, a
 * way to open dedicated connections (LISTEN, session locks), the event log, NATS, the live set of boundaries, and
 * a place to register resources that must close with the node (closed in reverse order of registration).
 */
public record ServerContext(OrisunConfig config, String nodeId, DataSource writes, DataSource reads, DataSource admin,
                     PostgresEndpoint postgres, PgEventLog eventLog, Connection nats, BoundaryRegistry boundaries,
                     ResourceRegistry resources) {

    /**
     * How to open a dedicated PostgreSQL connection outside the pools. It points at the direct endpoint
     * ({@code ORISUN_PG_DIRECT_*}), as does the admin pool, because what runs there keeps session state
     * (advisory locks held across statements, LISTEN) that a transaction-mode pooler would not keep.
     */
    public record PostgresEndpoint(String jdbcUrl, String user, String password) {
        @Override
        public String toString() {
            return "PostgresEndpoint[" + jdbcUrl + ", user=" + user + ", password=" + OrisunConfig.MASK + "]";
        }

        public java.sql.Connection connect() throws java.sql.SQLException {
            return java.sql.DriverManager.getConnection(jdbcUrl, user, password);
        }
    }

    /** Registers resources that close with the node. */
    @FunctionalInterface
    public interface ResourceRegistry {
        void onClose(AutoCloseable resource);
    }
}
