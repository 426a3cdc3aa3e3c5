package io.orisun.publisher;

import io.orisun.api.Event;

/**
 * Where a catch-up subscription delivers its events, one at a time, in position order. {@link #accept} may block
 * for as long as the consumer needs: that is the subscription's back-pressure, and it slows only this subscription.
 * An exception thrown by the sink ends the subscription and leaves {@code run} unchanged.
 */
@FunctionalInterface
public interface EventSink {

    void accept(Event event);

    /**
     * Called when the subscription has no event at hand and is about to wait, for the next page of the log or for
     * live events: a sink that holds events back to send them together sends what it holds. Does nothing by default.
     */
    default void flush() {
    }
}
