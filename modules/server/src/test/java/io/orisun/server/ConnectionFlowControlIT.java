package io.orisun.server;

import static io.orisun.server.EventTraffic.position;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Event;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Hundreds, then a thousand, concurrent calls of every kind on one HTTP/2 connection, as grpc-java, grpc-go and grpc-js
 * multiplex them: 100-event saves, 100-event reads, catch-up streams that replay the history, and catch-up streams
 * cancelled after their first events. The responses together far exceed the client's connection window, so the
 * server's streams keep contending for it. No call may fail: a transport error (the server overdrawing the window
 * and then ending the connection with {@code GOAWAY(FLOW_CONTROL_ERROR)}) fails every call in flight.
 */
class ConnectionFlowControlIT {

    private static final String B = "orisun_test_1";
    private static final Duration ROUND = Duration.ofSeconds(10);
    private static final int HISTORY = 1_000;
    /** Events a catch-up stream takes before it cancels: most of the history, so that the replay fills windows. */
    private static final int CATCH_UP_EVENTS = 600;
    private static final int CANCEL_AFTER = 5;
    private static final String PADDING = "x".repeat(400);

    /**
     * What one client does: saves of 100 events, saves of 10 (many request frames read at once by many streams,
     * which is what overflowed the client's connection window, see GrpcHttp2.settings), reads, catch-ups, and
     * catch-ups cancelled after a few events.
     */
    private enum Kind { SAVE, SMALL_SAVE, READ, CATCH_UP, CANCEL }

    @Test
    void hundreds_and_then_a_thousand_concurrent_calls_of_every_kind_on_one_connection_meet_no_transport_error()
            throws Exception {
        try (TestServer node = TestServer.start()) {
            new EventTraffic(node).save(B, "Seed", HISTORY / 100, 100, ConnectionFlowControlIT::data);
            for (int clients : new int[] {256, 1_024}) {
                Round round = new Round(node, clients);
                round.run(ROUND);
                assertThat(round.failures).as("failed calls with %d concurrent clients on one connection", clients)
                        .isEmpty();
                for (Kind kind : round.kinds) {
                    assertThat(round.completed.getOrDefault(kind, new AtomicInteger()).get())
                            .as("%s calls completed with %d clients", kind, clients).isPositive();
                }
            }
        }
    }

    private static String data(int n) {
        return "{\"n\": " + n + ", \"padding\": \"" + PADDING + "\"}";
    }

    /** One round: {@code clients} threads, each running calls of one kind back to back until the round ends. */
    private static final class Round {

        private final TestServer node;
        private final int clients;
        private final List<Kind> kinds;
        private final Queue<String> failures = new ConcurrentLinkedQueue<>();
        private final Map<Kind, AtomicInteger> completed = new ConcurrentHashMap<>();
        private final EventStoreGrpc.EventStoreBlockingStub stub;
        private long deadline;

        Round(TestServer node, int clients, Kind... kinds) {
            this.node = node;
            this.clients = clients;
            this.kinds = kinds.length == 0 ? List.of(Kind.values()) : List.of(kinds);
            this.stub = EventStoreGrpc.newBlockingStub(node.channel())
                    .withInterceptors(TestServer.basicAuth("admin", "changeit"));
        }

        void run(Duration length) throws InterruptedException {
            deadline = System.nanoTime() + length.toNanos();
            List<Thread> threads = new ArrayList<>(clients);
            for (int i = 0; i < clients; i++) {
                Kind kind = kinds.get(i % kinds.size());
                threads.add(Thread.ofVirtual().name("client-" + i).start(() -> calls(kind)));
            }
            for (Thread thread : threads) {
                // Calls in flight when the round ends still finish; none takes long once the others stop.
                assertThat(thread.join(Duration.ofSeconds(60))).as("%s ends", thread.getName()).isTrue();
            }
        }

        private boolean running() {
            return System.nanoTime() < deadline;
        }

        private void calls(Kind kind) {
            while (running() && failures.size() < 20) {
                try {
                    switch (kind) {
                        case SAVE -> save(100);
                        case SMALL_SAVE -> save(10);
                        case READ -> read();
                        case CATCH_UP -> catchUp(CATCH_UP_EVENTS);
                        case CANCEL -> catchUp(CANCEL_AFTER);
                    }
                    completed.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                } catch (StatusRuntimeException e) {
                    failures.add(kind + ": " + e.getStatus());
                }
            }
        }

        private EventStoreGrpc.EventStoreBlockingStub call() {
            return stub.withDeadlineAfter(60, TimeUnit.SECONDS);
        }

        private void save(int events) {
            SaveEventsRequest.Builder request = SaveEventsRequest.newBuilder().setBoundary(B);
            for (int i = 0; i < events; i++) {
                request.addEvents(EventToSave.newBuilder().setEventId(UUID.randomUUID().toString())
                        .setEventType("Load").setData(data(i)).setMetadata("{}"));
            }
            call().saveEvents(request.build());
        }

        private void read() {
            int size = call().getEvents(GetEventsRequest.newBuilder().setBoundary(B).setQuery(Query.getDefaultInstance())
                    .setAfterPosition(position(-1, -1)).setCount(100).build()).getEventsCount();
            assertThat(size).isEqualTo(100);
        }

        /** A catch-up stream from the start of the log, cancelled by the client after {@code events} events. */
        private void catchUp(int events) {
            Context.CancellableContext context = Context.current().withCancellation();
            try {
                context.run(() -> {
                    Iterator<Event> stream = call().catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest
                            .newBuilder().setBoundary(B).setSubscriberName("load-" + UUID.randomUUID())
                            .setQuery(Query.getDefaultInstance()).setAfterPosition(position(-1, -1)).build());
                    for (int received = 0; received < events && running(); received++) {
                        stream.next();
                    }
                });
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.CANCELLED || !context.isCancelled()) {
                    throw e;
                }
            } finally {
                context.cancel(null);
            }
        }
    }
}
