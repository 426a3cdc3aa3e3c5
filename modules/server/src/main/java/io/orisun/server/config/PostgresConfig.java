package io.orisun.server.config;

import io.orisun.api.BoundarySpec;
import io.orisun.api.InvalidRequest;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The PostgreSQL server and the three connection pools Orisun-J uses on it.
 *
 * @param host             the server's host; absent means "start the embedded PostgreSQL"
 * @param port             the server's port, also used by the embedded PostgreSQL
 * @param user             the user to connect as
 * @param password         that user's password; never printed
 * @param database         the database name, a validated identifier (safe to quote into SQL)
 * @param sslMode          the pgjdbc {@code sslmode}: disable, allow, prefer, require, verify-ca or verify-full
 * @param listenEnabled    whether the publisher is woken by LISTEN/NOTIFY (it still polls as a safety net)
 * @param prepareThreshold executions before pgjdbc switches to a server-side prepared statement; 0 never does
 * @param poolMode         how a connection pooler between Orisun-J and PostgreSQL hands out server connections;
 *                         {@link PoolMode#SESSION} also stands for "no pooler"
 * @param directHost       the host for connections that need a session of their own (migrations, index builds,
 *                         the publisher's leadership lock and LISTEN, the admin pool); absent means {@code host}
 * @param directPort       the port for those connections
 * @param writePool        the pool that saves events
 * @param readPool         the pool that reads events and feeds subscriptions
 * @param adminPool        the low-volume pool for admin work
 */
public record PostgresConfig(Optional<String> host, int port, String user, String password, String database,
                             String sslMode, boolean listenEnabled, int prepareThreshold, PoolMode poolMode,
                             Optional<String> directHost, int directPort, PoolConfig writePool, PoolConfig readPool,
                             PoolConfig adminPool) {

    /** The {@code sslmode} values pgjdbc understands. */
    public static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** @throws IllegalArgumentException when a value is out of range or the database name is not an identifier */
    public PostgresConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(poolMode, "poolMode");
        Objects.requireNonNull(directHost, "directHost");
        Objects.requireNonNull(writePool, "writePool");
        Objects.requireNonNull(readPool, "readPool");
        Objects.requireNonNull(adminPool, "adminPool");
        if (host.isPresent() && host.get().isBlank()) {
            throw new IllegalArgumentException("a PostgreSQL host must not be blank; leave it absent for the embedded one");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("PostgreSQL port " + port + " is not 1-65535");
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("a PostgreSQL user is required");
        }
        try {
            BoundarySpec.requireIdentifier("database", database);
        } catch (InvalidRequest e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (!SSL_MODES.contains(sslMode)) {
            throw new IllegalArgumentException("PostgreSQL sslmode '" + sslMode + "' is not one of " + SSL_MODES);
        }
        if (directHost.isPresent() && directHost.get().isBlank()) {
            throw new IllegalArgumentException("a direct PostgreSQL host must not be blank; leave it absent for the"
                    + " main host");
        }
        if (directPort < 1 || directPort > 65_535) {
            throw new IllegalArgumentException("direct PostgreSQL port " + directPort + " is not 1-65535");
        }
        if (prepareThreshold < 0) {
            throw new IllegalArgumentException("prepare threshold must not be negative, not " + prepareThreshold);
        }
    }

    /**
     * How the pooler in front of PostgreSQL assigns server connections to client connections.
     * {@code SESSION}: one server connection per client connection for its whole life (also: no pooler).
     * {@code TRANSACTION}: a server connection per transaction, so no session state survives a commit.
     */
    public enum PoolMode {
        SESSION, TRANSACTION
    }

    /** Whether connections that need their own session go somewhere else than the pooled ones. */
    public boolean separateDirectEndpoint() {
        return directHost.filter(h -> !h.equals(host.orElse(""))).isPresent() || directPort != port;
    }

    /** Whether Orisun-J starts and owns the PostgreSQL server (no host configured). */
    public boolean embedded() {
        return host.isEmpty();
    }

    /** Like the generated form, with the password masked. */
    @Override
    public String toString() {
        return "PostgresConfig[host=" + host + ", port=" + port + ", user=" + user + ", password=" + OrisunConfig.MASK
                + ", database=" + database + ", sslMode=" + sslMode + ", listenEnabled=" + listenEnabled
                + ", prepareThreshold=" + prepareThreshold + ", poolMode=" + poolMode + ", directHost=" + directHost
                + ", directPort=" + directPort + ", writePool=" + writePool + ", readPool=" + readPool
                + ", adminPool=" + adminPool + "]";
    }
}
