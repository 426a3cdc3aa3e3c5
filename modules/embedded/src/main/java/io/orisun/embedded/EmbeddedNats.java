package io.orisun.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The nats-server that Orisun-J runs as a supervised child process when {@code ORISUN_NATS_URL} is empty. The child
 * is restarted if it dies, stopped when the server stops, and a stale one left by a crashed server is stopped on
 * the next start (found through its pid file in the store directory).
 *
 * <p>Its client port admits one user ({@link NatsSettings#user()}) with its password; a connection without them is
 * refused. The configuration file that holds the password is readable by its owner only. With TLS files
 * ({@link NatsSettings#tls()}) the client port and the routes speak TLS only: the routes present that certificate
 * to each other and accept only peers whose certificate chains to the CA.
 */
public final class EmbeddedNats implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmbeddedNats.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Set<PosixFilePermission> OWNER_ONLY =
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final List<String> command;
    private final Path storeDir;
    private final String host;
    private final int port;
    private volatile Process process;
    private volatile boolean closing;

    private EmbeddedNats(List<String> command, Path storeDir, String host, int port) {
        this.command = command;
        this.storeDir = storeDir;
        this.host = host;
        this.port = port;
    }

    /**
     * Finds the binary, writes the server's configuration file into the store directory, starts it and waits until
     * it accepts connections.
     *
     * @throws IllegalStateException when no nats-server binary is found, with the command that installs one
     */
    public static EmbeddedNats start(NatsSettings nats) {
        String binary = findBinary(nats.binary());
        Path storeDir = nats.storeDir().toAbsolutePath();
        try {
            Files.createDirectories(storeDir);
            Path configFile = storeDir.resolve("nats-server.conf");
            if (!Files.exists(configFile)) {
                Files.createFile(configFile);
            }
            ownerOnly(configFile);
            Files.writeString(configFile, configuration(nats, storeDir));
            StaleProcess.find(storeDir.resolve("nats-server.pid"), "nats-server")
                    .ifPresent(stale -> stale.end(Duration.ofSeconds(10)));
            EmbeddedNats embedded = new EmbeddedNats(command(binary, configFile), storeDir,
                    reachableHost(nats.host()), nats.port());
            embedded.launch();
            return embedded;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the embedded nats-server in " + storeDir, e);
        }
    }

    /**
     * The child's command line. Where {@code setsid} exists the child gets its own session, so a Ctrl-C or a
     * SIGTERM sent to the server's process group does not stop NATS before the server has drained its calls; the
     * server stops it last, itself.
     */
    private static List<String> command(String binary, Path configFile) {
        Path setsid = Path.of("/usr/bin/setsid");
        return Files.isExecutable(setsid)
                ? List.of(setsid.toString(), binary, "-c", configFile.toString())
                : List.of(binary, "-c", configFile.toString());
    }

    static String findBinary(Optional<Path> configured) {
        if (configured.isPresent()) {
            Path path = configured.get();
            if (Files.isExecutable(path)) {
                return path.toString();
            }
            throw new IllegalStateException("ORISUN_NATS_SERVER_PATH='" + path + "' is not an executable file");
        }
        String pathVariable = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin");
        for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nats-server"))) {
                return Path.of(dir, "nats-server").toString();
            }
        }
        throw new IllegalStateException("""
                nats-server was not found on the PATH. Install it (Debian/Ubuntu: apt-get install -y nats-server), \
                point ORISUN_NATS_SERVER_PATH at the binary, or set ORISUN_NATS_URL to use an external NATS.""");
    }

    /** Makes {@code file} readable and writable by its owner only, where the file system has POSIX permissions. */
    private static void ownerOnly(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    private static void appendTls(StringBuilder conf, Optional<NatsSettings.TlsFiles> tls, String indent) {
        if (tls.isEmpty()) {
            return;
        }
        NatsSettings.TlsFiles files = tls.get();
        conf.append(indent).append("tls {\n");
        conf.append(indent).append("  cert_file: ").append(quoted(files.certFile().toAbsolutePath().toString()))
                .append('\n');
        conf.append(indent).append("  key_file: ").append(quoted(files.keyFile().toAbsolutePath().toString()))
                .append('\n');
        conf.append(indent).append("  ca_file: ").append(quoted(files.caFile().toAbsolutePath().toString()))
                .append('\n');
        conf.append(indent).append("  timeout: 5\n");
        conf.append(indent).append("}\n");
    }

    /** The address at which this process reaches a listener bound to {@code host}. */
    private static String reachableHost(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
    }

    /**
     * The nats-server configuration file: JetStream on, the client port with its one user, and the cluster block
     * when enabled.
     */
    static String configuration(NatsSettings nats, Path storeDir) {
        StringBuilder conf = new StringBuilder();
        conf.append("# Written by Orisun-J at every start; edits are overwritten.\n");
        conf.append("server_name: ").append(quoted(nats.serverName())).append('\n');
        // Routes have a port of their own, so even cluster members need the client port on loopback only.
        conf.append("listen: ").append(quoted(hostPort(nats.host(), nats.port()))).append('\n');
        conf.append("authorization {\n");
        conf.append("  user: ").append(quoted(nats.user())).append('\n');
        conf.append("  password: ").append(quoted(nats.password())).append('\n');
        conf.append("}\n");
        appendTls(conf, nats.tls(), "");
        conf.append("max_payload: ").append(nats.maxPayload()).append('\n');
        conf.append("pid_file: ").append(quoted(storeDir.resolve("nats-server.pid").toString())).append('\n');
        conf.append("jetstream {\n  store_dir: ").append(quoted(storeDir.toString())).append("\n}\n");
        if (nats.cluster().isPresent()) {
            NatsSettings.Cluster cluster = nats.cluster().get();
            conf.append("cluster {\n");
            conf.append("  name: ").append(quoted(cluster.name())).append('\n');
            conf.append("  listen: ").append(quoted(cluster.host() + ":" + cluster.port())).append('\n');
            appendTls(conf, nats.tls(), "  ");
            if (!cluster.username().isEmpty()) {
                conf.append("  authorization {\n");
                conf.append("    user: ").append(quoted(cluster.username())).append('\n');
                conf.append("    password: ").append(quoted(cluster.password())).append('\n');
                conf.append("    timeout: ").append(Math.max(1, cluster.timeout().toSeconds())).append('\n');
                conf.append("  }\n");
            }
            if (!cluster.routes().isEmpty()) {
                conf.append("  routes: [\n");
                conf.append(cluster.routes().stream().map(r -> "    " + quoted(r)).collect(Collectors.joining("\n")));
                conf.append("\n  ]\n");
            }
            conf.append("}\n");
        }
        return conf.toString();
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private synchronized void launch() {
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(storeDir.resolve("nats-server.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command.getFirst(), e);
        }
        waitUntilListening();
        Process started = process;
        started.onExit().thenRun(() -> restartAfterExit(started));
    }

    private void waitUntilListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nats-server exited during start-up (exit code " + process.exitValue()
                        + "); see " + storeDir.resolve("nats-server.log"));
            }
            try (Socket ignored = new Socket(host, port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting nats-server", e);
                }
            }
        }
        throw new IllegalStateException("nats-server did not listen on port " + port + " within " + START_TIMEOUT);
    }

    private void restartAfterExit(Process exited) {
        if (closing || exited != process) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "embedded nats-server exited with code {0}; restarting it", exited.exitValue());
        Thread.ofVirtual().name("nats-restart").start(() -> {
            Duration backoff = Duration.ofMillis(200);
            while (!closing) {
                try {
                    launch();
                    LOG.log(System.Logger.Level.INFO, "embedded nats-server restarted on port {0}", port);
                    return;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "restarting nats-server failed: {0}", e.getMessage());
                    try {
                        Thread.sleep(backoff.toMillis());
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                            ? Duration.ofSeconds(5) : backoff.multipliedBy(2);
                }
            }
        });
    }

    /** The URL the node connects to, without credentials. */
    public String url() {
        return "nats://" + hostPort(host, port);
    }

    @Override
    public synchronized void close() {
        closing = true;
        Process current = process;
        if (current == null) {
            return;
        }
        current.destroy();
        try {
            if (!current.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                current.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            current.destroyForcibly();
        }
    }
}
