package io.orisun.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The PostgreSQL 17 server that Orisun-J starts by itself when {@code ORISUN_PG_HOST} is not set. Its data lives
 * under the data directory and survives restarts; a server left running by a crashed predecessor is stopped
 * first.
 */
final class EmbeddedPostgres implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmbeddedPostgres.class.getName());

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts PostgreSQL with its data in {@code dataDirectory} (created and initialised on first use) on
     * {@code port}, and creates {@code database} if it does not exist.
     */
    static EmbeddedPostgres start(Path dataDirectory, int port, String database) {
        try {
            Files.createDirectories(dataDirectory.getParent());
            StaleProcess.find(dataDirectory.resolve("postmaster.pid"), "postgres")
                    .ifPresent(stale -> stale.end(Duration.ofSeconds(10)));
            var postgres = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("shared_buffers", "256MB")
                    .setServerConfig("max_wal_size", "2GB")
                    // The library defaults to fsync=off and synchronous_commit=off, which suit throwaway test
                    // databases; an event store must not acknowledge a save it could lose in a crash.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile(dataDirectory)))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile(dataDirectory)))
                    .start();
            EmbeddedPostgres embedded = new EmbeddedPostgres(postgres, dataDirectory);
            embedded.createDatabaseIfMissing(database);
            return embedded;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    private static java.io.File logFile(Path dataDirectory) {
        return dataDirectory.resolveSibling("postgres.log").toFile();
    }

    private void createDatabaseIfMissing(String database) {
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, database);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement create = c.createStatement()) {
                // The name was validated as an identifier by the configuration, so quoting it is safe.
                create.execute("CREATE DATABASE " + io.orisun.api.BoundarySpec.quote(database));
            }
            LOG.log(System.Logger.Level.INFO, "created database {0} in the embedded PostgreSQL", database);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database + " in the embedded PostgreSQL", e);
        }
    }

    String host() {
        return "localhost";
    }

    int port() {
        return postgres.getPort();
    }

    /** The user the embedded server trusts. */
    String user() {
        return "postgres";
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "stopping the embedded PostgreSQL failed", e);
        }
    }
}
