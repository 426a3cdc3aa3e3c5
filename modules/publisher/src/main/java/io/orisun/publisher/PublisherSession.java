package io.orisun.publisher;

import io.orisun.api.AdvisoryLock;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Position;
import io.orisun.api.SqlCondition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The publisher's dedicated PostgreSQL session for one boundary. It holds the publisher lease, listens for commit
 * notifications, and reads and writes the checkpoint. Doing all three on one session fences the checkpoint: once
 * the session is gone, so is the lease, and a node that lost its lease can no longer write the checkpoint.
 *
 * <p>The session expires: PostgreSQL ends it once it has been idle for the lease timeout, so a holder that is paused
 * or cut off loses the lease even though its TCP connection may live on. A healthy holder keeps it by running a
 * statement at least every {@link PublisherSettings#heartbeat()}.
 */
final class PublisherSession implements AutoCloseable {

    private final Connection connection;
    private final String leaseName;
    private final String checkpointTable;
    private final String channel;
    /**
     * The boundary's publisher lease once taken: a session advisory lock, which stays with the session until released
     * or until the session ends, which is what makes a dead node's lease expire.
     */
    private Optional<AdvisoryLock> lease = Optional.empty();

    private PublisherSession(Connection connection, BoundarySpec boundary) {
        this.connection = connection;
        this.leaseName = boundary.schema() + "." + boundary.name() + "#publisher";
        this.checkpointTable = BoundarySpec.quote(boundary.schema()) + "."
                + BoundarySpec.quote(boundary.name() + "_orisun_last_published_event_position");
        // The save function notifies lower('orisun_' || boundary); quoting keeps that exact spelling.
        this.channel = BoundarySpec.quote("orisun_" + boundary.name().toLowerCase(Locale.ROOT));
    }

    static PublisherSession open(PgSessions sessions, BoundarySpec boundary, String applicationName,
                                 Duration leaseTimeout) throws SQLException {
        Connection connection = sessions.open();
        try {
            connection.setAutoCommit(true);
            try (PreparedStatement statement = connection.prepareStatement(PublisherStatements.NAME_SESSION)) {
                statement.setString(1, applicationName);
                statement.execute();
            }
            long keepaliveSeconds = Math.max(1, leaseTimeout.toSeconds() / 2);
            try (PreparedStatement statement = connection.prepareStatement(PublisherStatements.EXPIRE_LEASE)) {
                statement.setString(1, Long.toString(leaseTimeout.toMillis()));
                statement.setString(2, Long.toString(keepaliveSeconds));
                statement.setString(3, Long.toString(keepaliveSeconds));
                statement.execute();
            }
            return new PublisherSession(connection, boundary);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Takes the lease if it is free; true when this session holds it now. */
    boolean tryLease() throws SQLException {
        if (lease.isEmpty()) {
            lease = AdvisoryLock.tryAcquire(connection, leaseName);
        }
        return lease.isPresent();
    }

    /** Runs a trivial statement: succeeds only while the session, and so a lease it took, is alive. */
    void touch() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(PublisherStatements.TOUCH);
        }
    }

    /** How many distinct nodes have publisher sessions on this database, this one included. */
    int publishingNodes() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(PublisherStatements.PUBLISHING_NODES)) {
            statement.setString(1, PublisherLoop.APPLICATION_PREFIX + "%");
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return Math.max(1, row.getInt(1));
            }
        }
    }

    void listen() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(PublisherStatements.LISTEN.formatted(channel));
        }
    }

    /** The checkpoint: the position of the last event acknowledged by JetStream, or {@link Position#NONE}. */
    Position checkpoint() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                PublisherStatements.READ_CHECKPOINT.formatted(checkpointTable));
             ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("the checkpoint row of " + checkpointTable + " is missing",
                        SqlCondition.MISSING_ROW_STATE);
            }
            return new Position(row.getLong(1), row.getLong(2));
        }
    }

    /** Moves the checkpoint forward to {@code position}; false when it was there or beyond already. */
    boolean advanceCheckpoint(Position position) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                PublisherStatements.ADVANCE_CHECKPOINT.formatted(checkpointTable))) {
            statement.setLong(1, position.transactionId());
            statement.setLong(2, position.globalId());
            statement.setLong(3, position.transactionId());
            statement.setLong(4, position.globalId());
            return statement.executeUpdate() == 1;
        }
    }

    /**
     * Waits up to {@code max} for a commit notification; true when at least one arrived. Notifications that came
     * while the session ran other statements are returned at once.
     */
    boolean awaitNotification(Duration max) throws SQLException {
        PGNotification[] notifications = connection.unwrap(PGConnection.class)
                .getNotifications((int) Math.max(1, Math.min(Integer.MAX_VALUE, max.toMillis())));
        return notifications != null && notifications.length > 0;
    }

    /** Releases the lease and closes the session. */
    @Override
    public void close() throws SQLException {
        try (connection) {
            if (lease.isPresent()) {
                lease.get().close();
            }
        }
    }

    /** Drops the connection at once, from any thread: a blocked wait fails, and PostgreSQL frees the lease. */
    void abort() {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException e) {
            // Aborting an already broken connection has nothing left to do.
        }
    }
}
