package io.orisun.testsupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server for tests, one per JVM, started on first use and stopped when the JVM exits.
 *
 * <p>Where it comes from, in order: the JDBC URL in {@code ORISUN_TEST_PG_URL} (with {@code ORISUN_TEST_PG_USER}
 * and {@code ORISUN_TEST_PG_PASSWORD}); a Testcontainers PostgreSQL where a Docker engine answers; otherwise an
 * embedded PostgreSQL 17 from the zonky binaries. Tests isolate themselves with {@link #newDatabase()}.
 */
public final class PostgresFixture implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PostgresFixture.class.getName());
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static volatile PostgresFixture shared;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String kind;
    private final AutoCloseable server;

    private PostgresFixture(String host, int port, String user, String password, String kind, AutoCloseable server) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.kind = kind;
        this.server = server;
    }

    /** The PostgreSQL server shared by every test of this JVM. */
    public static PostgresFixture shared() {
        PostgresFixture current = shared;
        if (current == null) {
            synchronized (PostgresFixture.class) {
                current = shared;
                if (current == null) {
                    current = start();
                    shared = current;
                    PostgresFixture started = current;
                    Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "postgres-fixture-stop"));
                }
            }
        }
        return current;
    }

    /**
     * A second PostgreSQL server of its own, embedded, beside {@link #shared()}: for tests that need two servers,
     * such as a boundary moved from one to the other. The caller closes it.
     */
    public static PostgresFixture startAnother() {
        return startEmbedded();
    }

    /** Stops a server from {@link #startAnother()}; the shared one stops with the JVM. */
    @Override
    public void close() {
        stop();
    }

    private static PostgresFixture start() {
        String url = System.getenv("ORISUN_TEST_PG_URL");
        if (url != null && !url.isBlank()) {
            // jdbc:postgresql://host:port/db
            String rest = url.substring(url.indexOf("//") + 2);
            String hostPort = rest.substring(0, rest.indexOf('/'));
            String h = hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
            int p = hostPort.contains(":") ? Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1)) : 5432;
            return new PostgresFixture(h, p, envOr("ORISUN_TEST_PG_USER", "postgres"),
                    envOr("ORISUN_TEST_PG_PASSWORD", "postgres"), "external " + url, () -> { });
        }
        if (dockerAvailable()) {
            return startContainer();
        }
        return startEmbedded();
    }

    private static boolean dockerAvailable() {
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static PostgresFixture startContainer() {
        var container = new org.testcontainers.containers.PostgreSQLContainer<>("postgres:17-alpine");
        container.start();
        return new PostgresFixture(container.getHost(), container.getMappedPort(5432), container.getUsername(),
                container.getPassword(), "testcontainers", container::stop);
    }

    private static PostgresFixture startEmbedded() {
        try {
            Path dir = Files.createTempDirectory("orisun-test-pg");
            EmbeddedPostgres pg = embedded(dir.resolve("data")).setCleanDataDirectory(true).start();
            LOG.log(System.Logger.Level.INFO, "embedded PostgreSQL for tests on port {0}", pg.getPort());
            return new PostgresFixture("localhost", pg.getPort(), "postgres", "postgres", "embedded", pg);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL for tests", e);
        }
    }

    /**
     * An embedded PostgreSQL 17 on {@code dataDirectory} with the settings of every embedded test server: 300
     * connections, for several nodes' pools at once, and fsync on, as in production.
     */
    static EmbeddedPostgres.Builder embedded(Path dataDirectory) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setServerConfig("max_connections", "300")
                .setServerConfig("fsync", "on");
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Where the server comes from: embedded, testcontainers or external. */
    public String kind() {
        return kind;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** Creates an empty database with a unique name, for one test class or test. */
    public Database newDatabase() {
        String name = "orisun_t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user, password);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return new Database(this, name);
    }

    private void stop() {
        try {
            server.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "stopping the test PostgreSQL failed", e);
        }
    }

    /** One database of the fixture's server. */
    public record Database(PostgresFixture server, String name) {

        public String jdbcUrl() {
            return server.jdbcUrl(name);
        }

        public String host() {
            return server.host();
        }

        public int port() {
            return server.port();
        }

        public String user() {
            return server.user();
        }

        public String password() {
            return server.password();
        }

        /** Opens a plain connection; the caller closes it. */
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(jdbcUrl(), server.user(), server.password());
        }

        /** A new pool of at most {@code size} connections; the caller closes it. */
        public HikariDataSource pool(int size) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(jdbcUrl());
            config.setUsername(server.user());
            config.setPassword(server.password());
            config.setMaximumPoolSize(size);
            config.setMinimumIdle(0);
            config.setPoolName("test-" + name);
            return new HikariDataSource(config);
        }

        /** A pool of ten connections; the caller closes it. */
        public DataSource dataSource() {
            return pool(10);
        }
    }
}
