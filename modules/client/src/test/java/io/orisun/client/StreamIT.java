package io.orisun.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Expected-version streams on top of the consistency check, against a real server. */
class StreamIT {

    private static final String BOUNDARY = ClientTestServer.BOUNDARY;

    private static ClientTestServer server;
    private static OrisunClient client;

    @BeforeAll
    static void start() {
        server = ClientTestServer.start();
        client = server.client().maxAttempts(200).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static List<EventToSave> events(String prefix, int count) {
        List<EventToSave> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(EventToSave.of(prefix + "-" + i, "ItemAdded", "{\"item\": \"" + prefix + "-" + i + "\"}"));
        }
        return events;
    }

    @Test
    void no_stream_exact_and_any_accept_and_refuse_as_their_names_say() {
        String stream = "cart-" + System.nanoTime();
        assertThat(client.readStream(BOUNDARY, stream)).isEmpty();
        assertThatThrownBy(() -> client.appendToStream(BOUNDARY, stream, ExpectedVersion.exact(0), events("x", 1)))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.actual()).isEqualTo(-1));

        assertThat(client.appendToStream(BOUNDARY, stream, ExpectedVersion.noStream(), events(stream + "a", 2)))
                .isEqualTo(1);
        assertThatThrownBy(() -> client.appendToStream(BOUNDARY, stream, ExpectedVersion.noStream(), events("y", 1)))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
                    assertThat(e.actual()).isEqualTo(1);
                    assertThat(e.streamId()).isEqualTo(stream);
                });
        assertThat(client.appendToStream(BOUNDARY, stream, ExpectedVersion.exact(1), events(stream + "b", 1)))
                .isEqualTo(2);
        assertThatThrownBy(() -> client.appendToStream(BOUNDARY, stream, ExpectedVersion.exact(1), events("z", 1)))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.actual()).isEqualTo(2));
        assertThat(client.appendToStream(BOUNDARY, stream, ExpectedVersion.any(), events(stream + "c", 2)))
                .isEqualTo(4);

        List<StreamEvent> read = client.readStream(BOUNDARY, stream);
        assertThat(read).extracting(StreamEvent::version).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(read).extracting(e -> e.event().eventId()).containsExactly(stream + "a-0", stream + "a-1",
                stream + "b-0", stream + "c-0", stream + "c-1");
        assertThat(read.getFirst().event().data()).as("the application's fields are kept")
                .contains("\"item\"").contains(stream + "a-0");
        assertThat(client.readStream(BOUNDARY, stream, 3)).extracting(StreamEvent::version).containsExactly(3L, 4L);
        assertThat(client.readStream(BOUNDARY, "other-" + stream)).as("streams do not mix").isEmpty();
    }

    @Test
    void event_data_may_not_use_the_reserved_stream_fields_and_stream_ids_are_checked() {
        assertThatThrownBy(() -> client.appendToStream(BOUNDARY, "s-" + System.nanoTime(), ExpectedVersion.any(),
                List.of(EventToSave.of("ItemAdded", "{\"orisun_stream_version\": 7}"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> client.appendToStream(BOUNDARY, "a stream\"with quotes", ExpectedVersion.any(),
                events("q", 1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream id");
    }

    @Test
    void of_concurrent_appends_at_the_same_exact_version_exactly_one_wins() throws Exception {
        String stream = "race-" + System.nanoTime();
        client.appendToStream(BOUNDARY, stream, ExpectedVersion.noStream(), events(stream, 1));
        int threads = 16;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        AtomicInteger wins = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    barrier.await();
                    try {
                        client.appendToStream(BOUNDARY, stream, ExpectedVersion.exact(0), events(stream + "-t" + thread, 1));
                        wins.incrementAndGet();
                    } catch (WrongExpectedVersionException e) {
                        assertThat(e.actual()).isEqualTo(1);
                        refusals.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        assertThat(wins.get()).isEqualTo(1);
        assertThat(refusals.get()).isEqualTo(threads - 1);
        assertThat(client.readStream(BOUNDARY, stream)).extracting(StreamEvent::version).containsExactly(0L, 1L);
    }

    @Test
    void concurrent_appends_with_any_version_all_land_with_consecutive_versions() throws Exception {
        String stream = "any-" + System.nanoTime();
        int threads = 8;
        int appendsPerThread = 4;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        Set<Long> returned = ConcurrentHashMap.newKeySet();
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    barrier.await();
                    for (int i = 0; i < appendsPerThread; i++) {
                        returned.add(client.appendToStream(BOUNDARY, stream, ExpectedVersion.any(),
                                events(stream + "-t" + thread + "-" + i, 2)));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        List<StreamEvent> read = client.readStream(BOUNDARY, stream);
        int total = threads * appendsPerThread * 2;
        assertThat(read).hasSize(total);
        for (int v = 0; v < total; v++) {
            assertThat(read.get(v).version()).as("version of the event at index %d", v).isEqualTo(v);
        }
        assertThat(returned).as("every append reported its own new version").hasSize(threads * appendsPerThread);
    }
}
