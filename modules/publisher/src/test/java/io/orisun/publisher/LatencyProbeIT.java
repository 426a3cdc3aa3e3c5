package io.orisun.publisher;

import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.Query;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyProbeIT {

    @Test
    void probe() throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary("orders"))) {
            fixture.publishers("a", 1000);
            CatchUpSubscriptions subscriptions = fixture.subscriptions(8192, 500);
            java.util.Map<Long, String> idOf = new java.util.concurrent.ConcurrentHashMap<>();
            List<long[]> lat = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.Map<String, Long> received = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.Map<String, Long> committed = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.Map<String, Long> viaNats = new java.util.concurrent.ConcurrentHashMap<>();
            var probe = fixture.connectNats();
            probe.createDispatcher(m -> viaNats.put(m.getHeaders().getFirst(EventMessage.GLOBAL_ID), System.nanoTime()))
                    .subscribe("ORISUN_EVENTS___orders.events.>");
            CatchUpSubscription s = subscriptions.open(new CatchUpRequest("orders", Query.all(), Optional.empty(), "p"));
            Thread.ofVirtual().start(() -> s.run(e -> {
                long now = System.currentTimeMillis();
                lat.add(new long[] {now - e.dateCreated().toEpochMilli()});
                received.put(e.eventId(), System.nanoTime());
                received.put("gid" + e.position().globalId(), System.nanoTime());
                received.put("id" + e.position().globalId(), (long) e.eventId().hashCode());
                idOf.put(e.position().globalId(), e.eventId());
            }));
            long start = System.nanoTime();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int writer = w;
                writers.add(Thread.ofVirtual().start(() -> {
                    long interval = TimeUnit.MILLISECONDS.toNanos(100);
                    for (int i = 0; i < 100; i++) {
                        long wait = start + i * interval + writer * interval / 8 - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                        List<EventToSave> batch = new ArrayList<>();
                        for (int k = 0; k < 25; k++) {
                            batch.add(DeliveryFixture.event("w" + writer + "-" + i + "-" + k, "T", "{\"x\": \"" + "y".repeat(200) + "\"}"));
                        }
                        fixture.append("orders", batch);
                        long done = System.nanoTime();
                        batch.forEach(b -> committed.put(b.eventId(), done));
                    }
                }));
            }
            for (Thread t : writers) {
                t.join();
            }
            System.out.printf("MEASURE wrote %d in %.1f s%n", 8 * 100 * 25, (System.nanoTime() - start) / 1e9);
            DeliveryFixture.await("all", Duration.ofSeconds(60), () -> lat.size() >= 20000);
            long[] v = lat.stream().mapToLong(a -> a[0]).toArray();
            Arrays.sort(v);
            List<Long> c2s = new ArrayList<>();
            List<Long> c2n = new ArrayList<>();
            for (var entry : idOf.entrySet()) {
                long c = committed.get(entry.getValue());
                c2s.add(received.get(entry.getValue()) - c);
                Long n = viaNats.get(Long.toString(entry.getKey()));
                if (n != null) {
                    c2n.add(n - c);
                }
            }
            c2s.sort(null);
            c2n.sort(null);
            System.out.printf("MEASURE commit->subscriber p50=%.1f p99=%.1f ms; commit->nats p50=%.1f p99=%.1f ms%n",
                    c2s.get(c2s.size() / 2) / 1e6, c2s.get((int) (c2s.size() * 0.99)) / 1e6,
                    c2n.get(c2n.size() / 2) / 1e6, c2n.get((int) (c2n.size() * 0.99)) / 1e6);
            System.out.printf("MEASURE created->subscriber p50=%d p99=%d max=%d ms%n", v[v.length / 2], v[(int) (v.length * 0.99)], v[v.length - 1]);
        }
    }
}
