package io.orisun.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own, on a fixed port and data directory, that a fault test can stop and start again
 * (as an operator restarting the database would) without disturbing the shared test server.
 */
public final class RestartablePostgres implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RestartablePostgres.class.getName());

    private final Path root;
    private final int port;
    private EmbeddedPostgres running;

    private RestartablePostgres(Path root, int port) {
        this.root = root;
        this.port = port;
    }

    /** Initialises a data directory, starts the server and creates {@code database}. */
    public static RestartablePostgres start(String database) {
        try {
            RestartablePostgres postgres = new RestartablePostgres(Files.createTempDirectory("orisun-restartable-pg"),
                    NatsFixture.freePort());
            postgres.startServer();
            try (Connection connection = postgres.connect("postgres"); Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE \"" + database.replace("\"", "") + "\"");
            }
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a data directory", e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database, e);
        }
    }

    private void startServer() throws IOException {
        running = PostgresFixture.embedded(root.resolve("data")).setCleanDataDirectory(false).setPort(port).start();
        LOG.log(System.Logger.Level.INFO, "restartable PostgreSQL running on port {0,number,#}", port);
    }

    /** Stops the server (fast shutdown: open sessions are ended); the data directory stays. */
    public synchronized void stop() {
        if (running != null) {
            try {
                running.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not stop PostgreSQL", e);
            } finally {
                running = null;
            }
        }
    }

    /** Starts the server on its data directory and port unless it runs, as after {@link #stop()}. */
    public synchronized void startIfStopped() {
        if (running == null) {
            try {
                startServer();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start PostgreSQL again", e);
            }
        }
    }

    /** Starts the server again on the same data directory and port. */
    public synchronized void restart() {
        stop();
        startIfStopped();
    }

    public String host() {
        return "localhost";
    }

    public int port() {
        return port;
    }

    public String user() {
        return "postgres";
    }

    public String password() {
        return "postgres";
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, user(), password());
    }

    /** Stops the server and deletes its data directory. */
    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete {0}: {1}", root, e.getMessage());
        }
    }
}
