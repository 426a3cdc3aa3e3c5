package io.orisun.server;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Event;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.EventToSave;
import io.orisun.proto.Position;
import io.orisun.proto.SaveEventsRequest;
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
 * A steady write load spread over the nodes of a {@link ThreeNodeCluster} (one writer per node, moving to another
 * node while its own is down), and a subscriber on each node that resumes after its last event whenever its stream
 * fails, as a client would. It records what every save was told, for the audit.
 */
final class ClusterWorkload implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterWorkload.class.getName());

    private final ThreeNodeCluster cluster;
    private final String boundary;
    /** Event ids of acknowledged saves. */
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    /** Event ids of failed saves: these may or may not have been committed. */
    final Set<String> uncertain = ConcurrentHashMap.newKeySet();
    /** How many saves failed with each status code. */
    final Map<Status.Code, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final List<Thread> writers = new ArrayList<>();
    private final Subscriber[] subscribers = new Subscriber[ThreeNodeCluster.NODES];
    private volatile boolean writing;
    private volatile boolean closed;

    ClusterWorkload(ThreeNodeCluster cluster, String boundary) {
        this.cluster = cluster;
        this.boundary = boundary;
        for (int i = 0; i < ThreeNodeCluster.NODES; i++) {
            subscribers[i] = new Subscriber(i);
        }
    }

    /** Starts the writers (one per node). */
    synchronized void startWriting() {
        writing = true;
        // Event ids are unique across runs of the writers: a repeated id would be answered as a retry.
        int run = runs.incrementAndGet();
        for (int w = 0; w < ThreeNodeCluster.NODES; w++) {
            int writer = w;
            writers.add(Thread.ofVirtual().name("cluster-writer-" + w).start(() -> write(writer, run)));
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
        failures.clear();
    }

    Subscriber subscriber(int node) {
        return subscribers[node];
    }

    private void write(int writer, int run) {
        int n = 0;
        while (writing) {
            save("r" + run + "w" + writer, cluster.upNode(writer), n, 1 + n % 3);
            n++;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final AtomicInteger probes = new AtomicInteger();

    /** One save of one event on {@code node}, recorded like the load's; true when it was acknowledged. */
    boolean trySave(int node) {
        return save("probe", node, probes.incrementAndGet(), 1);
    }

    private boolean save(String writer, int node, int n, int events) {
        SaveEventsRequest.Builder request = SaveEventsRequest.newBuilder().setBoundary(boundary);
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
            acknowledged.addAll(ids);
            return true;
        } catch (StatusRuntimeException e) {
            uncertain.addAll(ids);
            failures.computeIfAbsent(e.getStatus().getCode(), code -> new AtomicInteger()).incrementAndGet();
            LOG.log(System.Logger.Level.INFO, "writer {0}: save on {1} failed: {2}", writer,
                    ThreeNodeCluster.nodeId(node), e.getStatus());
        } catch (RuntimeException e) {
            uncertain.addAll(ids);
            failures.computeIfAbsent(Status.Code.UNKNOWN, code -> new AtomicInteger()).incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "writer " + writer + ": save on " + ThreeNodeCluster.nodeId(node)
                    + " failed in the client", e);
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        stopWriting();
        for (Subscriber subscriber : subscribers) {
            subscriber.stop();
        }
    }

    /** A catch-up subscription on one node that resumes after its last event when its stream fails. */
    final class Subscriber {

        private final int node;
        private final List<Event> received = new ArrayList<>();
        private final Thread thread;
        private volatile Context.CancellableContext call;
        private final AtomicInteger generation = new AtomicInteger();

        Subscriber(int node) {
            this.node = node;
            this.thread = Thread.ofVirtual().name("cluster-subscriber-" + node).start(this::run);
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
                        .setSubscriberName("audit-" + ThreeNodeCluster.nodeId(node) + "-" + generation.incrementAndGet())
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
                        LOG.log(System.Logger.Level.DEBUG, "subscriber on {0} resumes after {1}",
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
