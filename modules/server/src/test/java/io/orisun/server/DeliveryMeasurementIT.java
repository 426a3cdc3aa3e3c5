package io.orisun.server;

import static io.orisun.server.EventTraffic.position;

import com.zaxxer.hikari.HikariDataSource;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.ccc.BoundarySchema;
import io.orisun.ccc.GroupCommitSettings;
import io.orisun.ccc.PgEventLog;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Event;
import io.orisun.proto.EventToSave;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.PostgresFixture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeliveryMeasurementIT {

    private static final String B = "orisun_test_1";

    @Test
    void latency_at_steady_load() throws Exception {
        try (NatsFixture natsServer = NatsFixture.start();
             TestServer node = TestServer.start(Map.of("ORISUN_NATS_URL", natsServer.url()));
             io.nats.client.Connection probe = io.nats.client.Nats.connect(natsServer.url())) {
            EventTraffic traffic = new EventTraffic(node);
            List<Long> viaNats = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Long> viaGrpc = java.util.Collections.synchronizedList(new ArrayList<>());
            io.nats.client.Dispatcher d = probe.createDispatcher(m -> {
                long now = System.currentTimeMillis();
                try {
                    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(m.getData());
                    long created = java.time.Instant.parse(tree.get("date_created").asText()).toEpochMilli();
                    viaNats.add((now - created) * 1_000_000L);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            d.subscribe("ORISUN_EVENTS___" + B + ".events.>");
            Map<String, long[]> sent = new ConcurrentHashMap<>();
            Map<String, Long> received = new ConcurrentHashMap<>();
            List<Long> fromAck = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Long> fromSend = java.util.Collections.synchronizedList(new ArrayList<>());
            int writers = 20;
            int perSave = 20;
            int savesPerSecondPerWriter = 5;
            int seconds = 11;
            int total = writers * perSave * savesPerSecondPerWriter * seconds;
            CountDownLatch done = new CountDownLatch(total);
            io.grpc.ManagedChannel own = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", node.server().grpcPort()).usePlaintext().build();
            io.orisun.proto.EventStoreGrpc.newStub(own).withInterceptors(TestServer.basicAuth("admin", "changeit")).catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest.newBuilder().setBoundary(B)
                    .setSubscriberName("latency").setQuery(Query.getDefaultInstance()).build(), new ClientResponseObserver<CatchUpSubscribeToEventStoreRequest, Event>() {
                public void beforeStart(ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> r) { }
                public void onNext(Event e) {
                    long now = System.nanoTime();
                    long wall = System.currentTimeMillis();
                    viaGrpc.add((wall - (e.getDateCreated().getSeconds() * 1000 + e.getDateCreated().getNanos() / 1_000_000)) * 1_000_000L);
                    received.put(e.getEventId(), now);
                    done.countDown();
                }
                public void onError(Throwable t) { t.printStackTrace(); }
                public void onCompleted() { }
            });
            Thread.sleep(1000);
            long start = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                threads.add(Thread.ofVirtual().start(() -> {
                    long interval = TimeUnit.SECONDS.toNanos(1) / savesPerSecondPerWriter;
                    for (int s = 0; s < savesPerSecondPerWriter * seconds; s++) {
                        long due = start + s * interval + writer * interval / writers;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                        SaveEventsRequest.Builder request = SaveEventsRequest.newBuilder().setBoundary(B);
                        List<long[]> stamps = new ArrayList<>();
                        for (int i = 0; i < perSave; i++) {
                            String id = "w" + writer + "-" + s + "-" + i;
                            long[] stamp = new long[2];
                            sent.put(id, stamp);
                            stamps.add(stamp);
                            request.addEvents(EventToSave.newBuilder().setEventId(id).setEventType("Load")
                                    .setData("{\"n\": " + i + ", \"payload\": \"" + "x".repeat(200) + "\"}").setMetadata("{}"));
                        }
                        long before = System.nanoTime();
                        stamps.forEach(st -> st[0] = before);
                        node.eventStore().saveEvents(request.build());
                        long after = System.nanoTime();
                        stamps.forEach(st -> st[1] = after);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            long writeNanos = System.nanoTime() - start;
            done.await(60, TimeUnit.SECONDS);
            for (int w = 0; w < writers; w++) {
                for (int sv = 0; sv < savesPerSecondPerWriter * seconds; sv++) {
                    for (int i = 0; i < perSave; i++) {
                        String id = "w" + w + "-" + sv + "-" + i;
                        Long at = received.get(id);
                        if (at != null) {
                            fromSend.add(at - sent.get(id)[0]);
                            fromAck.add(at - sent.get(id)[1]);
                        }
                    }
                }
            }
            System.out.printf("MEASURE received %d of %d%n", received.size(), total);
            report("ack->received", fromAck, total);
            report("send->received", fromSend, total);
            report("created->nats", viaNats, total);
            report("created->grpc", viaGrpc, total);
            System.out.printf("MEASURE rate %.0f events/s over %.1f s%n", total / (writeNanos / 1e9), writeNanos / 1e9);
        }
    }

    private static void report(String what, List<Long> values, int total) {
        long[] sorted;
        synchronized (values) {
            sorted = values.stream().mapToLong(Long::longValue).toArray();
        }
        // Skip the first second as warm-up.
        long[] steady = Arrays.copyOfRange(sorted, Math.min(sorted.length, 2000), sorted.length);
        Arrays.sort(steady);
        System.out.printf("MEASURE %s n=%d/%d p50=%.2f ms p99=%.2f ms max=%.2f ms%n", what, steady.length, total,
                steady[steady.length / 2] / 1e6, steady[(int) (steady.length * 0.99)] / 1e6, steady[steady.length - 1] / 1e6);
    }

    @Test
    void catch_up_replay_throughput() throws Exception {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        BoundarySpec boundary = new BoundarySpec(B, "public", "");
        int events = 100_000;
        try (HikariDataSource pool = database.pool(4);
             PgEventLog log = new PgEventLog(pool, pool, List.of(boundary), GroupCommitSettings.DEFAULTS)) {
            BoundarySchema.apply(pool, boundary);
            for (int save = 0; save < events / 1000; save++) {
                List<io.orisun.api.EventToSave> batch = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    batch.add(new io.orisun.api.EventToSave("e" + save + "-" + i, "Backlog",
                            "{\"n\": " + i + ", \"payload\": \"" + "x".repeat(200) + "\"}", "{}"));
                }
                log.save(new io.orisun.api.SaveRequest(B, AppendCondition.none(), batch));
            }
        }
        try (NatsFixture nats = NatsFixture.start();
             TestServer node = TestServer.start(Map.of("ORISUN_PG_NAME", database.name(), "ORISUN_NATS_URL", nats.url()))) {
            Thread.sleep(3000);
            for (int run = 0; run < 2; run++) {
                CountDownLatch done = new CountDownLatch(events);
                AtomicLong last = new AtomicLong();
                long start = System.nanoTime();
                StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> ignored = null;
                new EventTraffic(node).streams().catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest.newBuilder()
                        .setBoundary(B).setSubscriberName("replay-" + run).setQuery(Query.getDefaultInstance())
                        .setAfterPosition(position(0, 0)).build(), new ClientResponseObserver<CatchUpSubscribeToEventStoreRequest, Event>() {
                    public void beforeStart(ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> r) { }
                    public void onNext(Event e) { last.set(e.getPosition().getGlobalId()); done.countDown(); }
                    public void onError(Throwable t) { }
                    public void onCompleted() { }
                });
                done.await(120, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("MEASURE replay run %d: %d events in %.2f s = %.0f events/s (last %d)%n", run,
                        events - done.getCount(), seconds, (events - done.getCount()) / seconds, last.get());
            }
        }
    }
}
