package io.orisun.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Supplier;

/** Waiting for a server that a fixture runs as a child process to accept connections on its loopback port. */
final class LoopbackPort {

    private LoopbackPort() {
    }

    /**
     * Returns once {@code process} accepts TCP connections on {@code 127.0.0.1:port}.
     *
     * @param name what the process is, for the failure message
     * @param output what the process said, for the failure message
     * @throws IllegalStateException when the process exits first, or does not listen within {@code timeout}
     */
    static void awaitListening(String name, Process process, int port, Duration timeout, Supplier<String> output) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + output.get());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + name, e);
                }
            }
        }
        throw new IllegalStateException(name + " did not listen on port " + port + " within " + timeout + ":\n"
                + output.get());
    }
}
