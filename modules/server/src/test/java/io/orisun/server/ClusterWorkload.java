package io.orisun.server;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Criterion;
import io.orisun.proto.Direction;
import io.orisun.proto.Event;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.Position;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.SaveQuery;
import io.orisun.proto.Tag;
import io.orisun.proto.WriteResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady write load on each of some boundaries, spread over the nodes of a {@link ThreeNodeCluster} (one writer
 * per node and boundary, moving to another node while its own is down), and a subscriber per boundary on each node
 * that resumes after its last event whenever its stream fails, as a client would. It records what every save was
 * told, by boundary, for the audit. The writers of one boundary do not wait for another's: a boundary whose server
 * is down does not slow the others' load. Every fifth save of a writer is a contest: two conditional saves at once,
 * through two nodes, of a {@link #CONTEST} event that both expect to follow the same last one, so that the audit can
 * check that the consistency check lost no conflict.
 */
final class ClusterWorkload implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterWorkload.class.getName());
    /** The type of the contested events; each one's data names the global id of the one it expected to follow. */
    static final String CONTEST = "ClusterContest";
    private static final Criterion CONTESTED = Criterion.newBuilder()
            .addTags(Tag.newBuilder().setKey("contested").setValue("yes")).build();

    /** The pause between two saves of one writer: the load stays the same whatever the number of boundaries. */
    private final long pauseMillis;
    private final ThreeNodeCluster cluster;
    private final Map<String, Load> loads = new java.util.LinkedHashMap<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean writing;
    private volatile boolean closed;

    ClusterWorkload(ThreeNodeCluster cluster, List<String> boundaries) {
        this.cluster = cluster;
        this.pauseMillis = 20L * boundaries.size();
        for (String boundary : boundaries) {
            loads.put(boundary, new Load(boundary));
        }
    }

    /** What the saves to one boundary were told, and its subscribers. */
    final class Load {

        final String boundary;
        /** Event ids of acknowledged saves. */
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        /** Event ids of failed saves: these may or may not have been committed. */
        final Set<String> uncertain = ConcurrentHashMap.newKeySet();
        /** How many saves failed with each status code; a lost contest is no failure. */
        final Map<Status.Code, AtomicInteger> failures = new ConcurrentHashMap<>();
        /** Event ids of contested saves answered with a conflict: these must not be in the log. */
        final Set<String> conflicted = ConcurrentHashMap.newKeySet();
        private final Subscriber[] subscribers = new Subscriber[ThreeNodeCluster.NODES];

        private Load(String boundary) {
            this.boundary = boundary;
            for (int i = 0; i < ThreeNodeCluster.NODES; i++) {
                subscribers[i] = new Subscriber(boundary, i);
            }
        }

        Subscriber subscriber(int node) {
            return subscribers[node];
        }
    }

    /** The load of one of the boundaries given at construction. */
    Load of(String boundary) {
        Load load = loads.get(boundary);
        if (load == null) {
            throw new IllegalArgumentException("no load on " + boundary);
        }
        return load;
    }

    /** How many saves failed with each status code, over every boundary. */
    Map<Status.Code, Integer> failures() {
        Map<Status.Code, Integer> all = new java.util.TreeMap<>();
        for (Load load : loads.values()) {
            load.failures.forEach((code, count) -> all.merge(code, count.get(), Integer::sum));
        }
        return all;
    }

    /** Starts the writers (one per node and boundary). */
    synchronized void startWriting() {
        writing = true;
        // Event ids are unique across runs of the writers: a repeated id would be answered as a retry.
        int run = runs.incrementAndGet();
        for (Load load : loads.values()) {
            for (int w = 0; w < ThreeNodeCluster.NODES; w++) {
                int writer = w;
                writers.add(Thread.ofVirtual().name("cluster-writer-" + load.boundary + "-" + w)
                        .start(() -> write(load, writer, run)));
            }
        }
    }

    private final AtomicInteger runs = new AtomicInteger();

    /** Stops the writers and waits until their last saves have been answered. */
    synchronized void stopWriting() throws InterruptedException {
        writing = false;
        for (Thread writer : writers) {
            writer.join(60_000);
        }
        writers.clear();
    }

    /** Clears the failure counts, for a scenario that checks its own. */
    void resetFailures() {
        loads.values().forEach(load -> load.failures.clear());
    }

    private void write(Load load, int writer, int run) {
        int n = 0;
        while (writing) {
            if (n % 5 == 4) {
                contest(load, "r" + run + "w" + writer, writer, n);
            } else {
                save(load, "r" + run + "w" + writer, cluster.upNode(writer), n, 1 + n % 3);
            }
            n++;
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Reads the last contested event, then saves two that both expect it to be the last, at once, through two nodes
     * when two are up: at most one may be committed.
     */
    private void contest(Load load, String writer, int preferred, int n) {
        int first = cluster.upNode(preferred);
        int second = cluster.upNode(first + 1);
        Position last;
        try {
            List<Event> events = EventStoreGrpc.newBlockingStub(cluster.channel(first))
                    .withInterceptors(TestServer.basicAuth("admin", "changeit"))
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .getEvents(GetEventsRequest.newBuilder().setBoundary(load.boundary)
                            .setQuery(Query.newBuilder().addCriteria(CONTESTED)).setDirection(Direction.DESC)
                            .setFromPosition(EventTraffic.position(-1, -1)).setCount(1).build())
                    .getEventsList();
            last = events.isEmpty() ? EventTraffic.position(-1, -1) : events.getFirst().getPosition();
        } catch (StatusRuntimeException e) {
            // No contest without knowing the last event; the fault that failed the read is counted by the saves.
            return;
        }
        String id = writer + "-" + n + "-contest-";
        Thread other = Thread.ofVirtual().start(() -> conditionalSave(load, id + "a", first, last));
        conditionalSave(load, id + "b", second, last);
        try {
            other.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void conditionalSave(Load load, String id, int node, Position expected) {
        SaveEventsRequest request = SaveEventsRequest.newBuilder().setBoundary(load.boundary)
                .addEvents(EventToSave.newBuilder().setEventId(id).setEventType(CONTEST)
                        .setData("{\"contested\": \"yes\", \"after\": " + expected.getGlobalId() + "}")
                        .setMetadata("{}"))
                .setQuery(SaveQuery.newBuilder().setExpectedPosition(expected)
                        .setSubsetQuery(Query.newBuilder().addCriteria(CONTESTED)))
                .build();
        try {
            WriteResult ignored = EventStoreGrpc.newBlockingStub(cluster.channel(node))
                    .withInterceptors(TestServer.basicAuth("admin", "changeit"))
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .saveEvents(request);
            load.acknowledged.add(id);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
                load.conflicted.add(id);
            } else {
                load.uncertain.add(id);
                load.failures.computeIfAbsent(e.getStatus().getCode(), code -> new AtomicInteger()).incrementAndGet();
                LOG.log(System.Logger.Level.INFO, "contested save {0} to {1} on {2} failed: {3}", id, load.boundary,
                        ThreeNodeCluster.nodeId(node), e.getStatus());
            }
        }
    }

    private final AtomicInteger probes = new AtomicInteger();

    /** One save of one event to {@code boundary} on {@code node}, recorded like the load's; true when acknowledged. */
    boolean trySave(String boundary, int node) {
        return probe(boundary, node) == Status.Code.OK;
    }

    /** One save of one event to {@code boundary} on {@code node}, recorded like the load's: what it was told. */
    Status.Code probe(String boundary, int node) {
        return save(of(boundary), "probe", node, probes.incrementAndGet(), 1);
    }

    private Status.Code save(Load load, String writer, int node, int n, int events) {
        SaveEventsRequest.Builder request = SaveEventsRequest.newBuilder().setBoundary(load.boundary);
        List<String> ids = new ArrayList<>();
        for (int e = 0; e < events; e++) {
            String id = writer + "-" + n + "-" + e;
            ids.add(id);
            request.addEvents(EventToSave.newBuilder().setEventId(id).setEventType("ClusterLoad")
                    .setData("{\"writer\": \"" + writer + "\", \"n\": " + n + "}").setMetadata("{}"));
        }
        try {
            WriteResult ignored = EventStoreGrpc.newBlockingStub(cluster.channel(node))
                    .withInterceptors(TestServer.basicAuth("admin", "changeit"))
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .saveEvents(request.build());
            load.acknowledged.addAll(ids);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            load.uncertain.addAll(ids);
            load.failures.computeIfAbsent(e.getStatus().getCode(), code -> new AtomicInteger()).incrementAndGet();
            LOG.log(System.Logger.Level.INFO, "writer {0}: save to {1} on {2} failed: {3}", writer, load.boundary,
                    ThreeNodeCluster.nodeId(node), e.getStatus());
            return e.getStatus().getCode();
        } catch (RuntimeException e) {
            load.uncertain.addAll(ids);
            load.failures.computeIfAbsent(Status.Code.UNKNOWN, code -> new AtomicInteger()).incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "writer " + writer + ": save to " + load.boundary + " on "
                    + ThreeNodeCluster.nodeId(node) + " failed in the client", e);
            return Status.Code.UNKNOWN;
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        stopWriting();
        for (Load load : loads.values()) {
            for (Subscriber subscriber : load.subscribers) {
                subscriber.stop();
            }
        }
    }

    /** A catch-up subscription to one boundary on one node that resumes after its last event when its stream fails. */
    final class Subscriber {

        private final String boundary;
        private final int node;
        private final List<Event> received = new ArrayList<>();
        private final Thread thread;
        private volatile Context.CancellableContext call;
        private final AtomicInteger generation = new AtomicInteger();

        Subscriber(String boundary, int node) {
            this.boundary = boundary;
            this.node = node;
            this.thread = Thread.ofVirtual().name("cluster-subscriber-" + boundary + "-" + node).start(this::run);
        }

        private void run() {
            while (!closed) {
                if (!cluster.up(node)) {
                    sleep(200);
                    continue;
                }
                Position after;
                synchronized (received) {
                    after = received.isEmpty() ? EventTraffic.position(-1, -1) : received.getLast().getPosition();
                }
                CatchUpSubscribeToEventStoreRequest request = CatchUpSubscribeToEventStoreRequest.newBuilder()
                        .setBoundary(boundary)
                        .setSubscriberName("audit-" + boundary + "-" + ThreeNodeCluster.nodeId(node) + "-"
                                + generation.incrementAndGet())
                        .setAfterPosition(after)
                        .build();
                Context.CancellableContext context = Context.current().withCancellation();
                call = context;
                try {
                    context.run(() -> {
                        Iterator<Event> events = EventStoreGrpc.newBlockingStub(cluster.channel(node))
                                .withInterceptors(TestServer.basicAuth("admin", "changeit"))
                                .catchUpSubscribeToEvents(request);
                        while (events.hasNext()) {
                            Event event = events.next();
                            synchronized (received) {
                                received.add(event);
                            }
                        }
                    });
                } catch (StatusRuntimeException e) {
                    if (!closed) {
                        LOG.log(System.Logger.Level.DEBUG, "subscriber to {0} on {1} resumes after {2}", boundary,
                                ThreeNodeCluster.nodeId(node), e.getStatus());
                        sleep(200);
                    }
                } finally {
                    context.cancel(null);
                }
            }
        }

        List<Event> received() {
            synchronized (received) {
                return List.copyOf(received);
            }
        }

        int count() {
            synchronized (received) {
                return received.size();
            }
        }

        void stop() throws InterruptedException {
            Context.CancellableContext current = call;
            if (current != null) {
                current.cancel(null);
            }
            thread.join(10_000);
        }

        private void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
