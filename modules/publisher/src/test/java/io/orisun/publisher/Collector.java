package io.orisun.publisher;

import io.orisun.api.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Runs a subscription on its own virtual thread and keeps what it delivers. */
final class Collector implements EventSink {

    private final List<Event> events = new ArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Duration delayPerEvent;
    private volatile Throwable failure;

    private Collector(Duration delayPerEvent) {
        this.delayPerEvent = delayPerEvent;
    }

    static Collector run(CatchUpSubscription subscription) {
        return run(subscription, Duration.ZERO);
    }

    /** A collector that takes {@code delayPerEvent} for every event, like a slow client. */
    static Collector run(CatchUpSubscription subscription, Duration delayPerEvent) {
        Collector collector = new Collector(delayPerEvent);
        Thread.ofVirtual().name("collector-" + subscription.request().subscriberName()).start(() -> {
            try {
                subscription.run(collector);
            } catch (Throwable t) {
                collector.failure = t;
            } finally {
                collector.ended.countDown();
            }
        });
        return collector;
    }

    @Override
    public void accept(Event event) {
        if (delayPerEvent.isPositive()) {
            try {
                Thread.sleep(delayPerEvent);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        synchronized (events) {
            events.add(event);
        }
    }

    List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    List<Long> globalIds() {
        return events().stream().map(e -> e.position().globalId()).toList();
    }

    int count() {
        synchronized (events) {
            return events.size();
        }
    }

    void awaitCount(int count, Duration timeout) {
        DeliveryFixture.await(count + " events are delivered (have " + count() + ", failure " + failure + ")",
                timeout, () -> count() >= count || failure != null);
        if (failure != null) {
            throw new AssertionError("the subscription failed", failure);
        }
    }

    /** Waits for run() to end and returns what it threw, if anything. */
    Throwable awaitEnd(Duration timeout) throws InterruptedException {
        if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the subscription did not end within " + timeout);
        }
        return failure;
    }
}
