package io.orisun.server;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The client side of a server-streaming call: keeps every message, and can pause reading (so that the server's
 * writes block, as with a slow client), resume and cancel.
 */
final class StreamCollector<Q, T> implements ClientResponseObserver<Q, T> {

    private final List<T> messages = new ArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final boolean startPaused;
    private volatile ClientCallStreamObserver<Q> call;
    private volatile Throwable error;
    private volatile boolean completed;

    private StreamCollector(boolean startPaused) {
        this.startPaused = startPaused;
    }

    static <Q, T> StreamCollector<Q, T> reading() {
        return new StreamCollector<>(false);
    }

    /** A collector that reads nothing until {@link #resume()}. */
    static <Q, T> StreamCollector<Q, T> paused() {
        return new StreamCollector<>(true);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
        call = requestStream;
        if (startPaused) {
            requestStream.disableAutoRequestWithInitial(0);
        }
    }

    @Override
    public void onNext(T message) {
        synchronized (messages) {
            messages.add(message);
        }
    }

    @Override
    public void onError(Throwable t) {
        error = t;
        ended.countDown();
    }

    @Override
    public void onCompleted() {
        completed = true;
        ended.countDown();
    }

    void resume() {
        call.request(Integer.MAX_VALUE);
    }

    void cancel() {
        call.cancel("the client is done", null);
    }

    List<T> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    int count() {
        synchronized (messages) {
            return messages.size();
        }
    }

    void awaitCount(int count, Duration timeout) {
        await(count + " messages arrive (have " + count() + ", error " + error + ")", timeout,
                () -> count() >= count || error != null);
        if (error != null) {
            throw new AssertionError("the stream failed after " + count() + " messages", error);
        }
    }

    /** Waits for the stream to end with an error and returns its status. */
    Status awaitError(Duration timeout) throws InterruptedException {
        if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the stream did not end within " + timeout);
        }
        if (error == null) {
            throw new AssertionError("the stream completed instead of failing (completed=" + completed + ")");
        }
        return Status.fromThrowable(error);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
