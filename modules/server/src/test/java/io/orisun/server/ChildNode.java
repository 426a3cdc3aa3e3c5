package io.orisun.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A real Orisun-J node in a child JVM ({@link Main} on the test class path), so that a test can kill it with
 * SIGKILL (no shutdown hook runs, no lease is released politely, no batch is finished) or stop it with SIGTERM.
 */
final class ChildNode implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ChildNode(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code Main} with exactly the {@code ORISUN_*} variables in {@code environment}. */
    static ChildNode start(Map<String, String> environment) {
        try {
            Path log = Files.createTempFile("orisun-child-node", ".log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-cp", classPath(), Main.class.getName())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("ORISUN_"));
            builder.environment().putAll(environment);
            return new ChildNode(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a child node", e);
        }
    }

    /** The test class path; under a manifest-only booter jar, the class path its manifest lists. */
    private static String classPath() throws IOException {
        String classPath = System.getProperty("java.class.path");
        String[] entries = classPath.split(File.pathSeparator);
        if (entries.length != 1 || !entries[0].contains("surefirebooter")) {
            return classPath;
        }
        try (JarFile booter = new JarFile(entries[0])) {
            Manifest manifest = booter.getManifest();
            List<String> paths = new ArrayList<>();
            for (String url : manifest.getMainAttributes().getValue("Class-Path").split(" ")) {
                if (!url.isBlank()) {
                    paths.add(Path.of(URI.create(url)).toString());
                }
            }
            return String.join(File.pathSeparator, paths);
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The child JVM's process id. */
    long pid() {
        return process.pid();
    }

    /** Stops the node with SIGSTOP: it keeps its sockets open but runs nothing, as a stalled host would. */
    void pause() throws IOException, InterruptedException {
        signal("STOP", process.pid());
    }

    /** Lets a paused node run again with SIGCONT. */
    void resume() throws IOException, InterruptedException {
        signal("CONT", process.pid());
    }

    /** Sends {@code signal} (a name such as {@code STOP}) to process {@code pid} and waits for kill to succeed. */
    static void signal(String signal, long pid) throws IOException, InterruptedException {
        // The shell's built-in kill, so that no procps package is needed.
        Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " \"$1\"", "sh", Long.toString(pid))
                .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed: " + new String(kill.getInputStream()
                    .readAllBytes()));
        }
    }

    /** Kills the node with SIGKILL and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the child node did not die");
        }
    }

    /** Sends SIGTERM and answers the exit code once the node is gone. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the child node did not stop within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    /** The node's output so far, for failure messages. */
    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                // A paused process only dies of SIGKILL once it may run again.
                resume();
            } catch (IOException e) {
                // It died on its own meanwhile.
            }
            kill();
        }
    }
}
