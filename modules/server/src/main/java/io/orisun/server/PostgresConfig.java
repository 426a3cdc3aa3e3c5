package io.orisun.server;

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
 * @param writePool        the pool that saves events
 * @param readPool         the pool that reads events and feeds subscriptions
 * @param adminPool        the low-volume pool for admin work
 */
public record PostgresConfig(Optional<String> host, int port, String user, String password, String database,
                             String sslMode, boolean listenEnabled, int prepareThreshold,
                             PoolConfig writePool, PoolConfig readPool, PoolConfig adminPool) {

    /** The {@code sslmode} values pgjdbc understands. */
    public static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** @throws IllegalArgumentException when a value is out of range or the database name is not an identifier */
    public PostgresConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(password, "password");
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
        if (prepareThreshold < 0) {
            throw new IllegalArgumentException("prepare threshold must not be negative, not " + prepareThreshold);
        }
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
                + ", prepareThreshold=" + prepareThreshold + ", writePool=" + writePool + ", readPool=" + readPool
                + ", adminPool=" + adminPool + "]";
    }
}
