package io.orisun.server;

import static io.orisun.server.EventTraffic.criterion;
import static io.orisun.server.EventTraffic.globalIds;
import static io.orisun.server.EventTraffic.position;
import static io.orisun.server.EventTraffic.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Event;
import io.orisun.proto.EventToSave;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Concurrent writers and eight subscribers with different filters, half of them joining while the writers run:
 * each receives exactly the events its query selects in the log, once each, in position order. The test writes
 * 50,000 events (8 writers, saves of 50); 100,000 take about 70 s on a busy 2-core machine, beyond the budget of a
 * routine run, and exercise nothing more.
 */
class SubscriptionLoadIT {

    private static final String B = "orisun_test_1";
    private static final int WRITERS = 8;
    private static final int SAVES_PER_WRITER = 125;
    private static final int EVENTS_PER_SAVE = 50;
    private static final int TOTAL = WRITERS * SAVES_PER_WRITER * EVENTS_PER_SAVE;
    private static final String[] TYPES = {"TypeA", "TypeB", "TypeC"};
    private static final System.Logger LOG = System.getLogger(SubscriptionLoadIT.class.getName());

    private static final List<Query> FILTERS = List.of(
            Query.getDefaultInstance(),
            query(criterion("eventType", "TypeA")),
            query(criterion("kind", "k1")),
            query(criterion("kind", "k2", "flag", "true")),
            query(criterion("amount", "1.50")),
            query(criterion("kind", "k3"), criterion("eventType", "TypeC")),
            query(criterion("bucket", "7")),
            query(criterion("flag", "false", "event_type", "TypeB")));

    @Test
    void every_subscriber_receives_exactly_its_matching_events_once_in_order_under_concurrent_writes() throws Exception {
        try (TestServer node = TestServer.start()) {
            EventTraffic traffic = new EventTraffic(node);
            List<StreamCollector<CatchUpSubscribeToEventStoreRequest, Event>> subscribers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                subscribers.add(traffic.subscribe(B, "early-" + i, FILTERS.get(i), position(-1, -1)));
            }
            AtomicInteger saves = new AtomicInteger();
            CyclicBarrier go = new CyclicBarrier(WRITERS + 1);
            List<Thread> writers = new ArrayList<>();
            long started = System.nanoTime();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                        for (int s = 0; s < SAVES_PER_WRITER; s++) {
                            node.eventStore().saveEvents(save(writer, s));
                            saves.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            go.await();
            StreamCollector.await("a third of the saves are done", Duration.ofMinutes(2),
                    () -> saves.get() >= WRITERS * SAVES_PER_WRITER / 3);
            for (int i = 4; i < FILTERS.size(); i++) {
                subscribers.add(traffic.subscribe(B, "late-" + i, FILTERS.get(i), position(0, 0)));
            }
            for (Thread writer : writers) {
                writer.join();
            }
            long written = System.nanoTime();
            for (int i = 0; i < FILTERS.size(); i++) {
                List<Event> expected = traffic.all(B, FILTERS.get(i));
                var subscriber = subscribers.get(i);
                subscriber.awaitCount(expected.size(), Duration.ofMinutes(2));
                assertThat(globalIds(subscriber.messages())).as("subscriber %d, query %s", i, FILTERS.get(i))
                        .isEqualTo(globalIds(expected));
                assertThat(subscriber.messages().getLast()).isEqualTo(expected.getLast());
            }
            LOG.log(System.Logger.Level.INFO, "{0} events written in {1} ms; all subscribers complete {2} ms later",
                    TOTAL, Duration.ofNanos(written - started).toMillis(),
                    Duration.ofNanos(System.nanoTime() - written).toMillis());
            assertThat(traffic.all(B, Query.getDefaultInstance())).hasSize(TOTAL);
            subscribers.forEach(StreamCollector::cancel);
        }
    }

    private static SaveEventsRequest save(int writer, int save) {
        SaveEventsRequest.Builder request = SaveEventsRequest.newBuilder().setBoundary(B);
        for (int i = 0; i < EVENTS_PER_SAVE; i++) {
            int n = (writer * SAVES_PER_WRITER + save) * EVENTS_PER_SAVE + i;
            request.addEvents(EventToSave.newBuilder()
                    .setEventId("load-" + n)
                    .setEventType(TYPES[n % TYPES.length])
                    .setData("{\"kind\": \"k" + (n % 4) + "\", \"bucket\": " + (n % 10) + ", \"flag\": " + (n % 3 == 0)
                            + ", \"amount\": " + (n % 5 == 0 ? "1.50" : "2") + ", \"n\": " + n + "}")
                    .setMetadata("{}"));
        }
        return request.build();
    }
}
