package io.orisun.publisher;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.orisun.api.EventLogReader;
import io.orisun.api.OrisunException;
import io.orisun.api.Position;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One boundary's live events on this node, shared by all its subscribers: one ordered JetStream consumer that
 * starts at new messages and fills an {@link EventRing}.
 *
 * <p>The feed promises nothing about completeness; it only tells subscribers when to stop waiting for it. It is
 * <em>behind</em> a global id when it has received a higher id (so the one asked for was missed or has been
 * evicted), or when the log head was at or beyond that id a whole tick ago and the feed still has not delivered
 * it (the publisher lags, or NATS is down). A subscriber then reads the log instead.
 *
 * <p>A watchdog checks every tick that the consumer is alive and still reads the current incarnation of the stream
 * (a memory stream is recreated empty after a NATS restart), and subscribes afresh when it is not.
 *
 * <p>A message carries a batch of consecutive events, or one event in the per-event form of earlier versions (see
 * {@link EventMessage}); each event goes into the ring on its own, so the ring and its subscribers see events, never
 * messages.
 *
 * <p>Only messages with a valid {@link EventMac MAC} over the whole message reach the ring. Any other message, and
 * one whose body is malformed, is dropped and {@link #rejected() counted}, with one warning per claimed source; the
 * feed then counts itself behind the log head, so that a subscriber waiting for a position the message claimed
 * reads it from the log at once. The real message for that position may never come: a forger can take its message
 * id first, and JetStream then drops the real one as a duplicate.
 */
final class LiveFeed implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LiveFeed.class.getName());
    /** How many claimed sources of rejected messages are remembered for their one warning each. */
    private static final int WARNED_SOURCES = 16;

    private final EventStream stream;
    private final Connection nats;
    private final EventLogReader log;
    private final FeedSettings settings;
    private final EventRing ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final AtomicLong highestReceived = new AtomicLong(-1);
    private final AtomicLong rejected = new AtomicLong();
    private final EventMac.Calculator mac;
    // Touched only by the dispatcher thread, which delivers the messages one at a time.
    private final java.util.Set<String> warnedSources = new java.util.HashSet<>();
    private volatile long logAhead = -1;
    private volatile boolean closed;
    private final Thread watchdog;

    // Touched only by the watchdog thread, and by start() before the watchdog runs.
    private Dispatcher dispatcher;
    private JetStreamSubscription subscription;
    private ZonedDateTime subscribedIncarnation;
    private Position previousHead;
    private boolean consumerFailing;

    private LiveFeed(EventStream stream, Connection nats, EventLogReader log, FeedSettings settings, EventMac mac) {
        this.stream = stream;
        this.mac = mac.calculator();
        this.nats = nats;
        this.log = log;
        this.settings = settings;
        this.ring = new EventRing(settings.ringCapacity());
        this.watchdog = Thread.ofVirtual().name("orisun-feed-" + stream.boundary()).unstarted(this::watch);
    }

    /** Starts the feed; its consumer is subscribed before this returns, unless NATS cannot be reached right now. */
    static LiveFeed start(String boundary, Connection nats, EventLogReader log, FeedSettings settings, EventMac mac) {
        LiveFeed feed = new LiveFeed(EventStream.of(boundary), nats, log, settings, mac);
        feed.checkConsumer();
        feed.watchdog.start();
        return feed;
    }

    EventRing ring() {
        return ring;
    }

    void attach() {
        subscribers.incrementAndGet();
    }

    void detach() {
        subscribers.decrementAndGet();
    }

    /** Whether a subscriber that needs {@code globalId} should read it from the log rather than wait. */
    boolean behind(long globalId) {
        return highestReceived.get() >= globalId || logAhead >= globalId;
    }

    /**
     * Waits until the ring holds {@code globalId}, the feed is {@link #behind} it, {@code stop} says so, or a
     * safety timeout of two ticks passes; the caller re-examines the state in every case.
     */
    void await(long globalId, BooleanSupplier stop) throws InterruptedException {
        lock.lock();
        try {
            // Announce the wait before checking, so that a message arriving in between signals us (see wake()).
            waiting.incrementAndGet();
            try {
                if (closed || stop.getAsBoolean() || ring.find(globalId).isPresent() || behind(globalId)) {
                    return;
                }
                changed.await(settings.tick().toMillis() * 2, TimeUnit.MILLISECONDS);
            } finally {
                waiting.decrementAndGet();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting subscriber, for instance one that was cancelled. */
    void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void wake() {
        if (waiting.get() > 0) {
            wakeAll();
        }
    }

    /** How many messages this feed dropped because their MAC was missing or wrong. */
    long rejected() {
        return rejected.get();
    }

    private void onMessage(Message message) {
        if (!mac.verify(stream.boundary(), message)) {
            reject(message, "its MAC is missing or wrong");
            return;
        }
        Optional<List<StreamEntry>> entries = EventMessage.entries(message);
        if (entries.isEmpty()) {
            reject(message, "its body is malformed or names another position than its headers");
            return;
        }
        // A batch message goes into the ring event by event, so that subscribers take up the events they need from
        // the middle of a batch as well; the highest id counts as received only once the whole batch is in.
        long highest = -1;
        for (StreamEntry entry : entries.get()) {
            Optional<io.orisun.api.Event> event = entry.event();
            // An event without a body (too large for NATS), or a large one left out of the ring, still counts as
            // received: subscribers read it from the log.
            if (event.isPresent() && event.get().data().length() + event.get().metadata().length()
                    <= settings.ringMaxChars()) {
                ring.put(new FeedEvent(event.get()));
            }
            highest = entry.position().globalId();
        }
        highestReceived.accumulateAndGet(highest, Math::max);
        wake();
    }

    /**
     * Drops a message that does not prove it came from a publisher, and sends the subscribers that wait to the log:
     * the position the message claims may be one whose real message will never come.
     */
    private void reject(Message message, String reason) {
        rejected.incrementAndGet();
        // The claimed source is the sender's own text: shortened, and without control characters, before it is logged.
        String source = Optional.ofNullable(message.getHeaders())
                .map(headers -> headers.getFirst(PublisherLoop.PUBLISHER_HEADER))
                .map(claimed -> claimed.length() > 64 ? claimed.substring(0, 64) + "..." : claimed)
                .map(claimed -> claimed.replaceAll("\\p{Cntrl}", "?"))
                .orElse("(no publisher named)");
        if (warnedSources.size() < WARNED_SOURCES && warnedSources.add(source)) {
            LOG.log(System.Logger.Level.WARNING, "live feed of boundary {0} dropped a message on {1} claiming to come"
                    + " from {2}: {3}; it was not published by a node holding this node''s event key. Further ones from"
                    + " that source are only counted", stream.boundary(), message.getSubject(),
                    source, reason);
        }
        try {
            long head = log.head(stream.boundary()).globalId();
            if (head > highestReceived.get() && head > logAhead) {
                logAhead = head;
            }
        } catch (OrisunException e) {
            // The watchdog's next comparison with the head sends them to the log instead.
        }
        wake();
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(settings.tick());
            } catch (InterruptedException e) {
                return;
            }
            checkConsumer();
            if (subscribers.get() > 0) {
                checkHead();
            } else {
                previousHead = null;
            }
        }
    }

    /** Subscribes again when there is no live consumer, or the stream was recreated since it subscribed. */
    private void checkConsumer() {
        if (closed) {
            return;
        }
        try {
            JetStreamManagement jsm = nats.jetStreamManagement();
            ZonedDateTime incarnation = stream.ensureExists(jsm, settings.stream());
            if (subscription == null || !subscription.isActive() || !incarnation.equals(subscribedIncarnation)) {
                subscribe(nats.jetStream(), incarnation);
            }
            if (consumerFailing) {
                consumerFailing = false;
                LOG.log(System.Logger.Level.INFO, "live feed of boundary {0} is following stream {1} again",
                        stream.boundary(), stream.name());
            }
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            // IllegalStateException: the connection is closed or reconnecting. Subscribers read the log meanwhile.
            if (!consumerFailing) {
                consumerFailing = true;
                LOG.log(System.Logger.Level.WARNING, "live feed of boundary {0} cannot follow stream {1}: {2};"
                        + " subscribers read PostgreSQL until it can", stream.boundary(), stream.name(), e.toString());
            }
        }
    }

    private void subscribe(JetStream js, ZonedDateTime incarnation) throws IOException, JetStreamApiException {
        if (dispatcher == null) {
            dispatcher = nats.createDispatcher();
        }
        if (subscription != null) {
            try {
                dispatcher.unsubscribe(subscription);
            } catch (IllegalStateException alreadyGone) {
                // The old consumer died with its connection or stream.
            }
            subscription = null;
        }
        PushSubscribeOptions options = PushSubscribeOptions.builder()
                .stream(stream.name())
                .ordered(true)
                .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.New).build())
                .build();
        subscription = js.subscribe(stream.subjects(), dispatcher, this::onMessage, false, options);
        subscribedIncarnation = incarnation;
        LOG.log(System.Logger.Level.DEBUG, "live feed of boundary {0} subscribed to stream {1} created at {2}",
                stream.boundary(), stream.name(), incarnation);
    }

    /**
     * Marks the feed behind whatever the log held a tick ago and the feed has not delivered since: then the
     * publisher lags or NATS is unreachable, and waiting longer would only delay subscribers.
     */
    private void checkHead() {
        Position head;
        try {
            head = log.head(stream.boundary());
        } catch (OrisunException e) {
            LOG.log(System.Logger.Level.DEBUG, "live feed of boundary {0} could not read the log head: {1}",
                    stream.boundary(), e.getMessage());
            return;
        }
        Position previous = previousHead;
        if (previous != null && previous.globalId() > highestReceived.get() && previous.globalId() > logAhead) {
            logAhead = previous.globalId();
            wakeAll();
        }
        previousHead = head;
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        try {
            watchdog.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        wakeAll();
        if (dispatcher != null) {
            try {
                nats.closeDispatcher(dispatcher);
            } catch (IllegalStateException connectionClosed) {
                // Nothing left to unsubscribe from.
            }
        }
    }
}
