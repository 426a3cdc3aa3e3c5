package io.orisun.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;

/**
 * A PostgreSQL advisory lock named by text, the one way Orisun-J serializes work across nodes that share a
 * database.
 *
 * <p><b>Key.</b> The lock's key is {@code hashtextextended(name, 0)}, computed by the server: one {@code bigint} in
 * the single-key space of PostgreSQL's advisory locks. Every version of Orisun-J derives it the same way, so nodes
 * of different versions running side by side exclude each other. Names state the owner and the purpose, such as
 * {@code "<schema>.<boundary>#migrate"}; the event log's writer lock is computed the same way from
 * {@code "<schema>.<boundary>"} inside its SQL functions.
 *
 * <p><b>Session locks</b> ({@link #acquire}, {@link #tryAcquire}) belong to the session of the connection until
 * {@link #close()} releases them or the session ends; they span transactions, so they suit work that commits
 * several times, such as a migration. {@link #close()} never leaves the lock held on a live connection: if the
 * release fails, the connection is aborted rather than returned to its pool, where it would keep the lock and
 * block every later holder. <b>Transaction locks</b> ({@link #acquireForTransaction}) are released by the commit
 * or rollback of the transaction that took them, and have no handle.
 *
 * <p>Not thread-safe, like the connection it holds.
 */
public final class AdvisoryLock implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AdvisoryLock.class.getName());

    /** Waits for the session lock. */
    private static final String LOCK = "SELECT pg_advisory_lock(hashtextextended(?, 0))";
    /** Takes the session lock if it is free; answers whether it did. */
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended(?, 0))";
    private static final String UNLOCK = "SELECT pg_advisory_unlock(hashtextextended(?, 0))";
    /** Waits for the transaction lock; released at commit or rollback. */
    private static final String LOCK_FOR_TRANSACTION = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";

    private final Connection connection;
    private final String name;
    private boolean released;

    private AdvisoryLock(Connection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    /**
     * Takes the session lock {@code name} on {@code connection}, waiting as long as another session holds it. The
     * wait happens inside a statement, so it holds the connection's transaction open if one is.
     *
     * @throws SQLException when the statement fails, for instance because the connection is lost
     */
    public static AdvisoryLock acquire(Connection connection, String name) throws SQLException {
        run(connection, LOCK, name);
        return new AdvisoryLock(connection, name);
    }

    /**
     * Takes the session lock {@code name} on {@code connection} if no other session holds it, without waiting.
     *
     * @return the held lock, or empty when another session holds it
     * @throws SQLException when the statement fails
     */
    public static Optional<AdvisoryLock> tryAcquire(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(TRY_LOCK)) {
            statement.setString(1, Objects.requireNonNull(name, "name"));
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getBoolean(1) ? Optional.of(new AdvisoryLock(connection, name))
                        : Optional.empty();
            }
        }
    }

    /**
     * Takes the transaction lock {@code name}, waiting as long as another session holds it. The connection must be
     * inside a transaction (autocommit off); the lock is released when that transaction commits or rolls back.
     *
     * @throws SQLException when the statement fails
     */
    public static void acquireForTransaction(Connection connection, String name) throws SQLException {
        run(connection, LOCK_FOR_TRANSACTION, name);
    }

    /** The text the lock's key is derived from. */
    public String name() {
        return name;
    }

    /**
     * Releases the lock. Releasing twice, or on a connection already closed (whose session took the lock with it),
     * does nothing. When the release fails, the failure is logged and the connection aborted, which ends the session
     * and so the lock.
     *
     * @throws SQLException only when aborting the connection fails as well
     */
    @Override
    public void close() throws SQLException {
        if (released) {
            return;
        }
        released = true;
        try {
            if (!connection.isClosed()) {
                run(connection, UNLOCK, name);
            }
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "releasing the advisory lock " + name + " failed;"
                    + " discarding its connection", e);
            connection.abort(Runnable::run);
        }
    }

    @Override
    public String toString() {
        return "AdvisoryLock[" + name + (released ? ", released]" : "]");
    }

    private static void run(Connection connection, String sql, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, Objects.requireNonNull(name, "name"));
            statement.execute();
        }
    }
}
