package io.orisun.publisher;

import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventLogReader;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.Unavailable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One live catch-up subscription. {@link #run} delivers, on the caller's thread, every committed event after the
 * requested position that matches the query, each exactly once, in position order, until the subscription is
 * cancelled, the sink throws, or the node shuts down.
 *
 * <p>How: global ids are gap-free, so the subscription keeps a cursor (the position of the last event it has
 * examined, delivered or not) and always knows the next id it needs. It takes that id from the boundary's shared
 * {@link LiveFeed} when the feed has it, and otherwise, whenever the feed cannot have it any more (missed, evicted,
 * or too late), reads the log from the cursor up to at least the head the log had when the read began. Nothing
 * at or before the cursor is ever delivered, and the cursor only moves past ids it has examined, so there is
 * neither a gap nor a duplicate, at the seam between replay and live delivery or anywhere else.
 *
 * <p>Only the log and the feed's ring are sources, and the ring holds only events whose {@link EventMac MAC} the
 * feed verified: a message that fails it never reaches the ring, and the feed then counts itself behind, so this
 * subscription reads that position from the log. Subscribers receive exactly the log.
 *
 * <p>Memory is bounded by one page of the log; a slow sink slows only its own subscription, and the shared feed
 * never waits for it. Reads that fail because PostgreSQL is unavailable are retried with backoff.
 */
public final class CatchUpSubscription implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CatchUpSubscription.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private enum Stop { CANCELLED, SHUTDOWN }

    private final CatchUpSubscriptions owner;
    private final CatchUpRequest request;
    private final LiveFeed feed;
    private final EventLogReader log;
    private final EventMatcher matcher;
    private final int pageSize;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile Stop stop;

    // Set by begin() on the thread that opens the subscription, then used only by the thread in run().
    private Position cursor;
    private Position floor;

    CatchUpSubscription(CatchUpSubscriptions owner, CatchUpRequest request, LiveFeed feed, EventLogReader log,
                        int pageSize) {
        this.owner = owner;
        this.request = request;
        this.feed = feed;
        this.log = log;
        this.matcher = EventMatcher.of(request.query());
        this.pageSize = pageSize;
    }

    /** The request this subscription serves. */
    public CatchUpRequest request() {
        return request;
    }

    /**
     * Delivers events to {@code sink} until the subscription ends, then releases its name. Returns normally when
     * the subscription was {@link #cancel() cancelled}.
     *
     * @throws Unavailable          when the node shuts down, or the thread is interrupted
     * @throws IllegalStateException when called a second time
     * @throws RuntimeException     whatever {@code sink} throws
     */
    public void run(EventSink sink) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a subscription runs only once");
        }
        try {
            catchUpFromLog(sink);
            follow(sink);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("subscription " + request.subscriberName() + " was interrupted", e);
        } catch (Unavailable e) {
            // A log read gave up because the subscription was stopped; the stop decides how run ends.
            if (stop == null) {
                throw e;
            }
        } finally {
            close();
        }
        if (stop == Stop.SHUTDOWN) {
            throw new Unavailable("the server is shutting down");
        }
    }

    /** Ends the subscription: {@link #run} returns soon after, normally. Safe from any thread, more than once. */
    public void cancel() {
        stopWith(Stop.CANCELLED);
    }

    void shutDown() {
        stopWith(Stop.SHUTDOWN);
    }

    private void stopWith(Stop reason) {
        if (stop == null) {
            stop = reason;
        }
        stopSignal.countDown();
        feed.wakeAll();
    }

    /** Releases the subscriber name; {@link #run} does it when it ends. */
    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            owner.release(this, feed);
        }
    }

    private boolean stopped() {
        return stop != null;
    }

    /**
     * Places the cursor so that "after the cursor" means exactly what the request asked for, in gap-free global
     * ids, and the floor below which nothing is delivered. This is the moment the subscription starts: without a
     * requested position, it delivers what commits after this.
     *
     * @throws Unavailable when the log cannot be read
     */
    void begin() {
        Optional<Position> after = request.after();
        floor = Position.NONE;
        if (after.isEmpty()) {
            cursor = log.head(request.boundary());
            return;
        }
        Position requested = after.get();
        if (requested.isBeginning()) {
            cursor = Position.NONE;
            return;
        }
        // A client position need not be an event's. Events after it form a suffix of the log, which starts at the
        // first event after it; with no such event yet, everything up to the head is excluded, and the floor keeps
        // out any later event that still sorts before the requested position.
        floor = requested;
        Position head = log.head(request.boundary());
        List<Event> first = log.read(new ReadRequest(request.boundary(), Query.all(), ReadStart.after(requested),
                Direction.ASC, 1));
        if (first.isEmpty()) {
            cursor = head;
        } else {
            Position firstAfter = first.getFirst().position();
            cursor = new Position(firstAfter.transactionId(), firstAfter.globalId() - 1);
        }
    }

    private void follow(EventSink sink) throws InterruptedException {
        EventRing ring = feed.ring();
        while (!stopped()) {
            long next = cursor.globalId() + 1;
            Optional<FeedEvent> live = ring.find(next);
            if (live.isPresent()) {
                FeedEvent event = live.get();
                if (event.position().isAfter(floor) && matcher.matches(event)) {
                    sink.accept(event.event());
                }
                cursor = event.position();
            } else if (feed.behind(next)) {
                catchUpFromLog(sink);
            } else {
                sink.flush();
                feed.await(next, this::stopped);
            }
        }
    }

    /**
     * Delivers the matching events after the cursor from the log, page by page, and then moves the cursor to at
     * least the head read before the first page: every page's snapshot contains that head, so nothing up to it
     * can be missing.
     */
    private void catchUpFromLog(EventSink sink) throws InterruptedException {
        Position head = fromLog(() -> log.head(request.boundary()));
        while (!stopped()) {
            Position from = cursor;
            sink.flush();
            List<Event> page = fromLog(() -> log.read(new ReadRequest(request.boundary(), request.query(),
                    ReadStart.after(from), Direction.ASC, pageSize)));
            for (Event event : page) {
                if (stopped()) {
                    return;
                }
                if (event.position().isAfter(floor)) {
                    sink.accept(event);
                }
                cursor = event.position();
            }
            if (page.size() < pageSize) {
                break;
            }
        }
        if (head.isAfter(cursor)) {
            cursor = head;
        }
    }

    /** Runs a log call, retrying with backoff while PostgreSQL is unavailable and the subscription lives. */
    private <T> T fromLog(Supplier<T> call) throws InterruptedException {
        long backoffMillis = 100;
        boolean warned = false;
        while (true) {
            try {
                T result = call.get();
                if (warned) {
                    LOG.log(System.Logger.Level.INFO, "subscription {0} on boundary {1} reads the log again",
                            request.subscriberName(), request.boundary());
                }
                return result;
            } catch (Unavailable e) {
                if (stopped()) {
                    throw e;
                }
                if (!warned) {
                    warned = true;
                    LOG.log(System.Logger.Level.WARNING, "subscription {0} on boundary {1} cannot read the log, retrying:"
                            + " {2}", request.subscriberName(), request.boundary(), e.getMessage());
                }
                if (stopSignal.await(backoffMillis, TimeUnit.MILLISECONDS)) {
                    throw e;
                }
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
            }
        }
    }
}
