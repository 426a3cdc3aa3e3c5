package io.orisun.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nats-server with JetStream, run as a child process on a free port, for one test class or test.
 * The binary is {@code ORISUN_NATS_SERVER_PATH} or {@code nats-server} on the {@code PATH}
 * (Debian: {@code apt-get install -y nats-server}). {@link #kill()} and {@link #restart()} restart it on the same
 * port and store, for fault tests.
 */
public final class NatsFixture implements AutoCloseable {

    private final int port;
    private final Path storeDir;
    private final String binary;
    private final String configuration;
    private Process process;

    private NatsFixture(int port, Path storeDir, String binary, String configuration) {
        this.port = port;
        this.storeDir = storeDir;
        this.binary = binary;
        this.configuration = configuration;
    }

    /**
     * Starts a nats-server with JetStream on a free port whose configuration file also holds {@code configuration},
     * for example an {@code authorization} or {@code tls} block; close it when done.
     */
    public static NatsFixture startWith(String configuration) {
        try {
            NatsFixture fixture = new NatsFixture(freePort(), Files.createTempDirectory("orisun-test-nats"), findBinary(),
                    configuration);
            fixture.restart();
            return fixture;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a new nats-server with JetStream on a free port; close it when done. */
    public static NatsFixture start() {
        return startWith("");
    }

    /** The nats-server binary the fixtures use, or an exception saying how to install one. */
    public static String findBinary() {
        String configured = System.getenv("ORISUN_NATS_SERVER_PATH");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(":")) {
            Path candidate = Path.of(dir, "nats-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("nats-server is not installed: run 'apt-get install -y nats-server'"
                + " or set ORISUN_NATS_SERVER_PATH");
    }

    /** A TCP port that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the server again (after {@link #kill()}) on the fixture's port and store, and waits until it accepts
     * connections. Does nothing while it runs.
     */
    public synchronized void restart() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(binary, "-js", "-a", "127.0.0.1", "-p", String.valueOf(port),
                "-sd", storeDir.toString()));
        if (!configuration.isEmpty()) {
            Path file = storeDir.resolve("nats-server.conf");
            try {
                Files.writeString(file, configuration);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            command.addAll(List.of("-c", file.toString()));
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(storeDir.resolve("nats-server.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + binary, e);
        }
        LoopbackPort.awaitListening("nats-server", process, port, Duration.ofSeconds(15),
                () -> "see " + storeDir.resolve("nats-server.log"));
    }

    /** Kills the server with SIGKILL and waits for it to die. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path storeDir() {
        return storeDir;
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
