package io.orisun.auth;

import io.orisun.api.AdvisoryLock;
import io.orisun.api.BoundarySpec;
import io.orisun.api.FailedPrecondition;
import io.orisun.api.OrisunException;
import io.orisun.api.Position;
import io.orisun.api.SqlCondition;
import io.orisun.api.Unavailable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The users table, its checkpoint and the server secret, in the admin boundary's schema. It translates every
 * {@link SQLException}: {@link Unavailable} when the database cannot be reached, {@link FailedPrecondition}
 * otherwise (a missing privilege, a table changed by hand).
 */
final class UserStore {

    private static final String SCRIPT = "auth_tables.sql";

    private final DataSource admin;
    private final BoundarySpec boundary;
    private final AuthStatements sql;

    UserStore(DataSource admin, BoundarySpec boundary) {
        this.admin = admin;
        this.boundary = boundary;
        this.sql = new AuthStatements(boundary);
    }

    /** A user event and where it sits in the log. */
    record Positioned(Position position, UserEvent event) {
    }

    /** Creates the tables when they are missing. Safe to run from several nodes at once. */
    void createTables() {
        String script = script()
                .replace("${schema}", BoundarySpec.quote(boundary.schema()))
                .replace("${boundary}", boundary.name());
        inTransaction("creating the users tables", connection -> {
            AdvisoryLock.acquireForTransaction(connection, boundary.schema() + "." + boundary.name() + "#auth");
            try (Statement statement = connection.createStatement()) {
                statement.execute(script);
            }
            return null;
        });
    }

    /** The server secret, created by whichever node asks first. */
    ServerSecret secret() {
        byte[] candidate = new byte[ServerSecret.LENGTH];
        new SecureRandom().nextBytes(candidate);
        return inTransaction("reading the server secret", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(sql.insertSecret)) {
                insert.setBytes(1, candidate);
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(sql.selectSecret);
                 ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new FailedPrecondition("the server secret row is missing from " + boundary.schema());
                }
                return new ServerSecret(rows.getBytes(1));
            }
        });
    }

    /**
     * Applies the events that lie after the table's checkpoint, in order, and moves the checkpoint to
     * {@code upTo}, all in one transaction that holds the checkpoint's row lock. Events at or before the checkpoint
     * were applied already, by this node or another, and are skipped.
     */
    void apply(List<Positioned> events, Position upTo) {
        inTransaction("projecting user events", connection -> {
            Position checkpoint;
            try (PreparedStatement lock = connection.prepareStatement(sql.lockCheckpoint);
                 ResultSet rows = lock.executeQuery()) {
                if (!rows.next()) {
                    throw new FailedPrecondition("the users checkpoint row is missing from " + boundary.schema());
                }
                checkpoint = new Position(rows.getLong(1), rows.getLong(2));
            }
            if (!upTo.isAfter(checkpoint)) {
                return null;
            }
            for (Positioned positioned : events) {
                if (positioned.position().isAfter(checkpoint)) {
                    apply(connection, positioned.event());
                }
            }
            try (PreparedStatement update = connection.prepareStatement(sql.updateCheckpoint)) {
                update.setLong(1, upTo.transactionId());
                update.setLong(2, upTo.globalId());
                update.executeUpdate();
            }
            return null;
        });
    }

    private void apply(Connection connection, UserEvent event) throws SQLException {
        switch (event) {
            case UserEvent.Created created -> {
                try (PreparedStatement insert = connection.prepareStatement(sql.insertUser)) {
                    Array roles = connection.createArrayOf("text", created.roles().stream().map(Role::name).sorted().toArray());
                    insert.setString(1, created.userId());
                    insert.setString(2, created.username());
                    insert.setString(3, created.name());
                    insert.setArray(4, roles);
                    insert.setString(5, created.passwordHash());
                    insert.setLong(6, created.credentialVersion());
                    insert.setTimestamp(7, Timestamp.from(created.at()));
                    insert.setTimestamp(8, Timestamp.from(created.at()));
                    insert.executeUpdate();
                }
            }
            case UserEvent.PasswordChanged changed -> {
                try (PreparedStatement update = connection.prepareStatement(sql.changePassword)) {
                    update.setString(1, changed.passwordHash());
                    update.setLong(2, changed.credentialVersion());
                    update.setTimestamp(3, Timestamp.from(changed.at()));
                    update.setString(4, changed.userId());
                    update.setLong(5, changed.credentialVersion());
                    update.executeUpdate();
                }
            }
            case UserEvent.Deleted deleted -> {
                try (PreparedStatement delete = connection.prepareStatement(sql.deleteUser)) {
                    delete.setString(1, deleted.userId());
                    delete.executeUpdate();
                }
            }
        }
    }

    Optional<StoredUser> byId(String userId) {
        return one(sql.selectById, userId);
    }

    Optional<StoredUser> byUsername(String username) {
        return one(sql.selectByUsername, username);
    }

    /** Every user, oldest first. */
    List<StoredUser> all() {
        return query("listing users", connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql.selectAll);
                 ResultSet rows = select.executeQuery()) {
                List<StoredUser> users = new ArrayList<>();
                while (rows.next()) {
                    users.add(user(rows));
                }
                return users;
            }
        });
    }

    long count() {
        return query("counting users", connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql.count);
                 ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    private Optional<StoredUser> one(String statement, String key) {
        return query("looking up a user", connection -> {
            try (PreparedStatement select = connection.prepareStatement(statement)) {
                select.setString(1, key);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(user(rows)) : Optional.empty();
                }
            }
        });
    }

    private static StoredUser user(ResultSet rows) throws SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Array array = rows.getArray(4);
        for (Object role : (Object[]) array.getArray()) {
            // A role unknown to this version (written by a newer one) grants nothing here.
            for (Role known : Role.values()) {
                if (known.name().equals(role)) {
                    roles.add(known);
                }
            }
        }
        return new StoredUser(rows.getString(1), rows.getString(2), rows.getString(3), roles, rows.getString(5),
                rows.getLong(6), rows.getTimestamp(7).toInstant(), rows.getTimestamp(8).toInstant());
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T query(String what, Work<T> work) {
        try (Connection connection = admin.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection connection = admin.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    private OrisunException failure(String what, SQLException e) {
        String state = SqlCondition.sqlState(e).orElse("");
        return switch (SqlCondition.of(e)) {
            // A lost connection, a cancelled statement, a lost race and a failure without a cause may pass on retry.
            case UNAVAILABLE, CANCELLED, ROLLED_BACK, NO_SQLSTATE -> new Unavailable(
                    "the database could not be reached while " + what + " (SQLSTATE " + state + ")", e);
            default -> new FailedPrecondition(what + " in schema " + boundary.schema() + " failed (SQLSTATE " + state
                    + ")", e);
        };
    }

    private static String script() {
        try (InputStream in = UserStore.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + SCRIPT + " is missing from the auth module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + SCRIPT + " failed", e);
        }
    }
}
