package io.orisun.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Lets the database settle after prepopulation, before the first measured run, so that the first rows of a matrix
 * do not pay for the bulk load: waits until the server's publisher has drained the prepopulated events to JetStream
 * (its checkpoint reaches the log head), then runs {@code VACUUM (ANALYZE)} and {@code CHECKPOINT}, as pgbench
 * vacuums before it measures. Without that, the first row ran beside the publisher's backlog, autovacuum and a
 * checkpoint of the bulk load's WAL (benchmarks/README.md, "Findings").
 *
 * <p>It reads Orisun-J's own head and checkpoint tables of the boundary, found by name in any schema, through the
 * baseline's JDBC connection.
 */
final class DatabaseSettling {

    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(10);

    private static final String FIND_TABLES = """
            SELECT h.table_schema
              FROM information_schema.tables h
              JOIN information_schema.tables c
                ON c.table_schema = h.table_schema AND c.table_name = ? || '_orisun_last_published_event_position'
             WHERE h.table_name = ? || '_orisun_es_head'""";

    private DatabaseSettling() {
    }

    /** Settles the database; what could not be done is printed, and the runs go on. */
    static void settle(String url, String user, String password, String boundary) {
        long began = System.nanoTime();
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            connection.setAutoCommit(true);
            Optional<String> schema = schemaOf(connection, boundary);
            if (schema.isEmpty()) {
                System.err.println("note: boundary " + boundary + " has no tables in the baseline database;"
                        + " not waiting for its publisher");
            } else {
                awaitDrained(connection, schema.get(), boundary);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("VACUUM (ANALYZE)");
                try {
                    statement.execute("CHECKPOINT");
                } catch (SQLException e) {
                    System.err.println("note: CHECKPOINT refused (" + e.getMessage().strip() + "); continuing");
                }
            }
            System.out.printf(Locale.ROOT, "# settled the database after prepopulation in %.1f s: publisher"
                    + " drained, VACUUM (ANALYZE), CHECKPOINT%n", (System.nanoTime() - began) / 1e9);
        } catch (SQLException e) {
            System.err.println("note: could not settle the database (" + e.getMessage().strip() + "); measuring"
                    + " anyway");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<String> schemaOf(Connection connection, String boundary) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(FIND_TABLES)) {
            statement.setString(1, boundary);
            statement.setString(2, boundary);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    private static void awaitDrained(Connection connection, String schema, String boundary)
            throws SQLException, InterruptedException {
        // Both names come from information_schema and are quoted as identifiers.
        String lag = "SELECT h.global_id - c.global_id FROM " + quote(schema) + "." + quote(boundary + "_orisun_es_head")
                + " h, " + quote(schema) + "." + quote(boundary + "_orisun_last_published_event_position") + " c";
        long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
        try (PreparedStatement statement = connection.prepareStatement(lag)) {
            while (true) {
                long behind;
                try (ResultSet row = statement.executeQuery()) {
                    behind = row.next() ? row.getLong(1) : 0;
                }
                if (behind <= 0) {
                    ClosedLoop.endProgress();
                    return;
                }
                if (System.nanoTime() > deadline) {
                    ClosedLoop.endProgress();
                    System.err.println("note: the publisher is still " + behind + " events behind after "
                            + DRAIN_LIMIT.toMinutes() + " min; measuring anyway");
                    return;
                }
                ClosedLoop.progress(String.format(Locale.ROOT, "waiting for the publisher: %,d events behind",
                        behind));
                Thread.sleep(250);
            }
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
