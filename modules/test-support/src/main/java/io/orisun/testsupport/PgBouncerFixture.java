package io.orisun.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real PgBouncer in front of the shared test PostgreSQL, run as a child process on a free loopback port, for
 * one test class. Any database name is passed through to the PostgreSQL of {@link PostgresFixture#shared()}.
 * Clients authenticate with md5 against a user list holding the fixture's user; PgBouncer logs in to PostgreSQL
 * with the same credentials.
 *
 * <p>The binary is {@code ORISUN_PGBOUNCER_PATH}, {@code pgbouncer} on the {@code PATH} or {@code /usr/sbin}
 * (Debian: {@code apt-get install -y pgbouncer}). PgBouncer refuses to run as root, so as root it is started as
 * {@code nobody} through {@code setpriv}. Tests call {@link #binary()} first and skip when it is empty.
 */
public final class PgBouncerFixture implements AutoCloseable {

    /** The pool modes PgBouncer knows. */
    public enum PoolMode {
        SESSION, TRANSACTION
    }

    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final int port;
    private final int poolSize;
    private final Path directory;
    private final Process process;
    private final PostgresFixture postgres;

    private PgBouncerFixture(int port, int poolSize, Path directory, Process process, PostgresFixture postgres) {
        this.port = port;
        this.poolSize = poolSize;
        this.directory = directory;
        this.process = process;
        this.postgres = postgres;
    }

    /** The pgbouncer binary, when one is installed. */
    public static Optional<Path> binary() {
        String configured = System.getenv("ORISUN_PGBOUNCER_PATH");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":")));
        dirs.add("/usr/sbin");
        return dirs.stream().map(dir -> Path.of(dir, "pgbouncer")).filter(Files::isExecutable).findFirst();
    }

    /**
     * Starts PgBouncer in {@code mode} in front of {@code postgres}, with at most {@code poolSize} server
     * connections per database and user and at most {@code maxClients} client connections.
     *
     * @throws IllegalStateException when the binary is missing or PgBouncer does not accept connections in time
     */
    public static PgBouncerFixture start(PostgresFixture postgres, PoolMode mode, int poolSize, int maxClients) {
        Path pgbouncer = binary().orElseThrow(() -> new IllegalStateException(
                "pgbouncer is not installed: run 'apt-get install -y pgbouncer' or set ORISUN_PGBOUNCER_PATH"));
        int port = NatsFixture.freePort();
        try {
            Path directory = Files.createTempDirectory("orisun-test-pgbouncer");
            // The unprivileged user PgBouncer runs as must read the files and write its log here.
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path ini = directory.resolve("pgbouncer.ini");
            Path users = directory.resolve("userlist.txt");
            Files.writeString(users, quote(postgres.user()) + " " + quote(postgres.password()) + "\n");
            Files.writeString(ini, """
                    [databases]
                    * = host=%s port=%d

                    [pgbouncer]
                    listen_addr = 127.0.0.1
                    listen_port = %d
                    unix_socket_dir =
                    auth_type = md5
                    auth_file = %s
                    admin_users = %s
                    pool_mode = %s
                    default_pool_size = %d
                    min_pool_size = 0
                    reserve_pool_size = 0
                    max_client_conn = %d
                    max_db_connections = 0
                    server_lifetime = 3600
                    ignore_startup_parameters = extra_float_digits
                    logfile = %s
                    """.formatted(postgres.host(), postgres.port(), port, users, postgres.user(),
                    mode.name().toLowerCase(java.util.Locale.ROOT), poolSize, maxClients, directory.resolve("pgbouncer.log")));
            for (Path file : List.of(ini, users)) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
            List<String> command = new ArrayList<>();
            if ("root".equals(System.getProperty("user.name"))) {
                command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            }
            command.add(pgbouncer.toString());
            command.add(ini.toString());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("stdout.log").toFile())
                    .start();
            PgBouncerFixture fixture = new PgBouncerFixture(port, poolSize, directory, process, postgres);
            fixture.awaitListening();
            return fixture;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start pgbouncer", e);
        }
    }

    private static String quote(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    private void awaitListening() {
        try {
            LoopbackPort.awaitListening("pgbouncer", process, port, STARTUP, this::output);
        } catch (IllegalStateException e) {
            close();
            throw e;
        }
    }

    /** The host clients connect to. */
    public String host() {
        return "127.0.0.1";
    }

    /** The port clients connect to. */
    public int port() {
        return port;
    }

    /** The most server connections PgBouncer opens per database and user. */
    public int poolSize() {
        return poolSize;
    }

    /** PgBouncer's console output and log, for failure messages. */
    public String output() {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("stdout.log", "pgbouncer.log")) {
            try {
                Path file = directory.resolve(name);
                if (Files.exists(file)) {
                    text.append(Files.readString(file));
                }
            } catch (IOException e) {
                text.append("(could not read ").append(name).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        return text.toString();
    }

    /**
     * The connection counts of one database's pool, from PgBouncer's {@code SHOW POOLS}: client connections
     * (active and waiting) and server connections (in any state).
     */
    public PoolUsage usage(String database) {
        List<Map<String, String>> pools = AdminConsole.query("127.0.0.1", port, postgres.user(), postgres.password(),
                "SHOW POOLS");
        for (Map<String, String> pool : pools) {
            if (database.equals(pool.get("database"))) {
                int clients = count(pool, "cl_active") + count(pool, "cl_waiting");
                int servers = count(pool, "sv_active") + count(pool, "sv_idle") + count(pool, "sv_used")
                        + count(pool, "sv_tested") + count(pool, "sv_login");
                return new PoolUsage(clients, servers);
            }
        }
        return new PoolUsage(0, 0);
    }

    private static int count(Map<String, String> row, String column) {
        String value = row.get(column);
        return value == null ? 0 : Integer.parseInt(value);
    }

    /** Client and server connection counts of one PgBouncer pool. */
    public record PoolUsage(int clientConnections, int serverConnections) {
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // A leftover scratch directory in the temp folder is harmless.
        }
    }
}
