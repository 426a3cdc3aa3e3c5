package io.orisun.publisher;

import io.nats.client.Connection;
import io.orisun.api.BoundarySpec;
import io.orisun.api.EventLogReader;
import io.orisun.api.LogObserver;
import io.orisun.api.Unavailable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The publishers of a node: one loop per boundary that drains the boundary's PostgreSQL log into its JetStream
 * stream while this node holds the boundary's publisher lease.
 *
 * <p>Guarantees: events reach the stream in position order, each with the message id {@code <boundary>:<tx>:<gid>};
 * the checkpoint in PostgreSQL is written once per batch and only after JetStream acknowledged every event of the
 * batch, so it is never ahead of the stream; after any failure, publishing resumes from the checkpoint.
 * Across all nodes sharing the database exactly one holds a boundary's lease, a PostgreSQL session advisory lock;
 * it is released when its session ends, or once the session has been idle for
 * {@link PublisherSettings#leaseTimeout()} (a paused or cut-off holder), and the other nodes try to take it every
 * {@link PublisherSettings#leaseRetry()}. A node that lost its lease publishes nothing more until it takes it again.
 * Leases spread over the nodes as {@link LeaseSpread} describes.
 */
public final class BoundaryPublishers implements AutoCloseable {

    private final Connection nats;
    private final EventLogReader log;
    private final PgSessions sessions;
    private final PublisherSettings settings;
    private final LogObserver observer;
    private final EventMac mac;
    private final Map<String, PublisherLoop> loops = new ConcurrentHashMap<>();
    private final LeaseSpread spread;
    private boolean closed;

    /**
     * @param nats     the node's NATS connection, which must outlive this object
     * @param log      the event log to publish from
     * @param sessions opens the dedicated connection of each boundary's publisher
     * @param settings batch size, waits and stream limits
     * @param mac      the key every event message is authenticated with
     */
    public BoundaryPublishers(Connection nats, EventLogReader log, PgSessions sessions, PublisherSettings settings,
                              EventMac mac) {
        this(nats, log, sessions, settings, mac, LogObserver.NONE);
    }

    /**
     * As {@link #BoundaryPublishers(Connection, EventLogReader, PgSessions, PublisherSettings, EventMac)}, and tells
     * {@code observer} of every published batch and every failed attempt to publish.
     */
    public BoundaryPublishers(Connection nats, EventLogReader log, PgSessions sessions, PublisherSettings settings,
                              EventMac mac, LogObserver observer) {
        this.mac = Objects.requireNonNull(mac, "mac");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.nats = Objects.requireNonNull(nats, "nats");
        this.log = Objects.requireNonNull(log, "log");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.spread = new LeaseSpread(loops::size, settings.leaseRetry());
    }

    /**
     * Starts publishing {@code boundary}, whose tables must exist; does nothing when it is published already.
     *
     * @throws Unavailable after {@link #close()}
     */
    public void start(BoundarySpec boundary) {
        start(boundary, sessions);
    }

    /**
     * As {@link #start(BoundarySpec)}, with the boundary's lease, LISTEN and checkpoint on connections of
     * {@code boundarySessions} instead of this object's own: for a boundary whose tables live on another
     * PostgreSQL server.
     *
     * @throws Unavailable after {@link #close()}
     */
    public synchronized void start(BoundarySpec boundary, PgSessions boundarySessions) {
        Objects.requireNonNull(boundarySessions, "boundarySessions");
        if (closed) {
            throw new Unavailable("the publishers are stopped");
        }
        loops.computeIfAbsent(boundary.name(), name -> {
            PublisherLoop loop = new PublisherLoop(boundary, nats, log, boundarySessions, settings, observer, spread,
                    mac);
            loop.start();
            return loop;
        });
    }

    /**
     * Stops the publisher of {@code boundary}, releasing its lease on the old server, and starts one on connections
     * of {@code boundarySessions}: for a boundary whose log was copied to another PostgreSQL server. The new loop
     * resumes from the checkpoint copied with the log, first moved up to what the JetStream stream holds, so no
     * event is published twice (JetStream also drops a message id it has seen) and none is skipped. Returns when
     * the old loop has stopped (at most a few seconds).
     *
     * @throws Unavailable after {@link #close()}
     */
    public void restart(BoundarySpec boundary, PgSessions boundarySessions) {
        Objects.requireNonNull(boundarySessions, "boundarySessions");
        PublisherLoop old;
        synchronized (this) {
            if (closed) {
                throw new Unavailable("the publishers are stopped");
            }
            old = loops.remove(boundary.name());
        }
        if (old != null) {
            old.stop();
        }
        start(boundary, boundarySessions);
    }

    /** Whether this node holds the publisher lease of {@code boundary} at this moment. */
    public boolean leads(String boundary) {
        PublisherLoop loop = loops.get(boundary);
        return loop != null && loop.leading();
    }

    /** How many boundary leases this node holds at this moment. */
    public int leases() {
        return (int) loops.values().stream().filter(PublisherLoop::leading).count();
    }

    /** Stops every loop and releases the leases; returns when the loops have ended. */
    @Override
    public void close() {
        List<PublisherLoop> stopping;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = List.copyOf(loops.values());
        }
        List<Thread> stoppers = stopping.stream()
                .map(loop -> Thread.ofVirtual().name("orisun-publisher-stop").start(loop::stop))
                .toList();
        for (Thread stopper : stoppers) {
            try {
                stopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
