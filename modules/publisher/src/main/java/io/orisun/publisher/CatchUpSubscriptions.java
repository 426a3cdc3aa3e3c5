package io.orisun.publisher;

import io.nats.client.Connection;
import io.orisun.api.AlreadyExists;
import io.orisun.api.EventLogReader;
import io.orisun.api.Unavailable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The catch-up subscriptions of a node, and one shared live feed per boundary that they follow.
 *
 * <p>Subscriber names are unique per boundary among the live subscriptions <em>of this node</em>: two nodes of a
 * cluster can each hold a subscription with the same name. A name is free again as soon as its subscription ends.
 */
public final class CatchUpSubscriptions implements AutoCloseable {

    private final Connection nats;
    private final EventLogReader log;
    private final FeedSettings settings;
    private final EventMac mac;
    private final Map<String, LiveFeed> feeds = new HashMap<>();
    private final Map<Slot, CatchUpSubscription> live = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private record Slot(String boundary, String subscriberName) {
    }

    /**
     * @param nats     the node's NATS connection, which must outlive this object
     * @param log      the event log the subscriptions replay from
     * @param settings ring, page and tick sizes
     * @param mac      the key the publishers authenticate event messages with; the feeds drop messages without a
     *                 valid MAC
     */
    public CatchUpSubscriptions(Connection nats, EventLogReader log, FeedSettings settings, EventMac mac) {
        this.mac = Objects.requireNonNull(mac, "mac");
        this.nats = Objects.requireNonNull(nats, "nats");
        this.log = Objects.requireNonNull(log, "log");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Reserves the subscriber name, starts the subscription and returns it, ready to
     * {@link CatchUpSubscription#run run}: a subscription without a requested position delivers the events that
     * commit after this returns. The caller must run or close it, or the name stays taken.
     *
     * @throws io.orisun.api.NotFound     when the boundary does not exist
     * @throws AlreadyExists              when a live subscription on this node has the same boundary and name
     * @throws Unavailable                when the node is shutting down or the log cannot be reached
     */
    public CatchUpSubscription open(CatchUpRequest request) {
        if (closed) {
            throw new Unavailable("the server is shutting down");
        }
        // Fails with NotFound for an unknown boundary before anything is reserved or started.
        log.head(request.boundary());
        LiveFeed feed = feed(request.boundary());
        Slot slot = new Slot(request.boundary(), request.subscriberName());
        CatchUpSubscription subscription = new CatchUpSubscription(this, request, feed, log, settings.pageSize());
        if (live.putIfAbsent(slot, subscription) != null) {
            throw new AlreadyExists("subscriber '" + request.subscriberName() + "' is already subscribed to boundary "
                    + request.boundary());
        }
        feed.attach();
        try {
            // After attaching: whatever the feed receives from now on is at hand when the subscription needs it.
            subscription.begin();
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
        }
        if (closed) {
            subscription.shutDown();
        }
        return subscription;
    }

    /** How many messages the live feeds of this node dropped because their MAC was missing or wrong. */
    public synchronized long rejectedMessages() {
        return feeds.values().stream().mapToLong(LiveFeed::rejected).sum();
    }

    /** How many subscriptions are live on this node. */
    public int size() {
        return live.size();
    }

    void release(CatchUpSubscription subscription, LiveFeed feed) {
        CatchUpRequest request = subscription.request();
        if (live.remove(new Slot(request.boundary(), request.subscriberName()), subscription)) {
            feed.detach();
        }
    }

    private synchronized LiveFeed feed(String boundary) {
        if (closed) {
            throw new Unavailable("the server is shutting down");
        }
        return feeds.computeIfAbsent(boundary, b -> LiveFeed.start(b, nats, log, settings, mac));
    }

    /** Ends every subscription ({@link CatchUpSubscription#run} throws {@link Unavailable}) and stops the feeds. */
    @Override
    public void close() {
        List<LiveFeed> stopping;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = List.copyOf(feeds.values());
        }
        live.values().forEach(CatchUpSubscription::shutDown);
        stopping.forEach(LiveFeed::close);
    }
}
