package io.orisun.publisher;

import io.nats.client.Message;
import io.nats.client.Subscription;
import io.orisun.api.Unavailable;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One plain pub/sub subscription. {@link #run} hands each message to the consumer on the caller's thread until the
 * subscription is cancelled. Messages wait in the NATS client while the consumer is busy; when a consumer falls
 * too far behind, NATS drops its surplus messages, as core NATS does for any slow consumer.
 */
public final class PubSubSubscription implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(250);

    private final Subscription subscription;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean cancelled;

    PubSubSubscription(Subscription subscription) {
        this.subscription = subscription;
    }

    /**
     * Delivers messages until {@link #cancel()}; returns normally then.
     *
     * @throws Unavailable when the NATS connection closes or the thread is interrupted
     */
    public void run(Consumer<PubSubMessage> consumer) {
        try {
            while (!cancelled) {
                Message message;
                try {
                    message = subscription.nextMessage(POLL);
                } catch (IllegalStateException e) {
                    if (cancelled) {
                        return;
                    }
                    throw new Unavailable("the NATS subscription ended: " + e.getMessage(), e);
                }
                if (message == null) {
                    continue;
                }
                Optional<PubSubMessage> decoded = PubSub.decode(message);
                if (decoded.isPresent()) {
                    consumer.accept(decoded.get());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("the pub/sub subscription was interrupted", e);
        } finally {
            close();
        }
    }

    /** Ends the subscription; {@link #run} returns within a fraction of a second. */
    public void cancel() {
        cancelled = true;
    }

    /** Unsubscribes from NATS; {@link #run} does it when it ends. */
    @Override
    public void close() {
        cancelled = true;
        if (closed.compareAndSet(false, true)) {
            try {
                subscription.unsubscribe();
            } catch (IllegalStateException alreadyGone) {
                // The connection closed, and the subscription with it.
            }
        }
    }
}
