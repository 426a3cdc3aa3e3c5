package io.orisun.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A child process left behind by a server that died without stopping it, found through the pid file the child
 * wrote. A stale child holds the port and the data directory, so a restart must end it first.
 */
record StaleProcess(ProcessHandle handle) {

    private static final System.Logger LOG = System.getLogger(StaleProcess.class.getName());

    /**
     * The live process whose pid is on the first line of {@code pidFile} and whose command contains
     * {@code commandHint}, if there is one. A pid that now belongs to another program is left alone.
     */
    static Optional<StaleProcess> find(Path pidFile, String commandHint) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
            long pid = Long.parseLong(first);
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.contains(commandHint)).orElse(false))
                    .map(StaleProcess::new);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Asks the process to stop, then kills it if it has not stopped within {@code grace}. */
    void end(Duration grace) {
        LOG.log(System.Logger.Level.WARNING, "stopping a stale {0} (pid {1}) left by an earlier run",
                handle.info().command().orElse("process"), handle.pid());
        handle.destroy();
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            handle.destroyForcibly();
        } catch (java.util.concurrent.ExecutionException e) {
            handle.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handle.destroyForcibly();
            throw new IllegalStateException("interrupted while stopping a stale process", e);
        }
    }
}
