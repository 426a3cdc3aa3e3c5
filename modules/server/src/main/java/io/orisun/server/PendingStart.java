package io.orisun.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A part of start-up that runs on a thread of its own while the rest goes on. Registered as a resource, it
 * stops what it started if start-up fails before {@link #await()} hands it over.
 */
final class PendingStart<T extends AutoCloseable> implements AutoCloseable {

    private final CompletableFuture<T> result = new CompletableFuture<>();
    private volatile boolean handedOver;

    static <T extends AutoCloseable> PendingStart<T> begin(String name, Supplier<T> task) {
        PendingStart<T> pending = new PendingStart<>();
        Thread.ofPlatform().name(name).daemon().start(() -> {
            try {
                pending.result.complete(task.get());
            } catch (RuntimeException | Error e) {
                pending.result.completeExceptionally(e);
            }
        });
        return pending;
    }

    /** Waits for the task and returns what it started, or rethrows its failure. */
    T await() {
        try {
            T started = result.join();
            handedOver = true;
            return started;
        } catch (CompletionException e) {
            handedOver = true;
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        if (!handedOver) {
            T started;
            try {
                started = result.join();
            } catch (CompletionException e) {
                return;
            }
            started.close();
        }
    }
}
