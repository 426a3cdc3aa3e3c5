package io.orisun.publisher;

import static io.orisun.publisher.DeliveryFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orisun.api.AlreadyExists;
import io.orisun.api.Criterion;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.NotFound;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.Tag;
import io.orisun.api.Unavailable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class CatchUpSubscriptionIT {

    private static final String B = "orders";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static CatchUpRequest request(String name, Query query, Optional<Position> after) {
        return new CatchUpRequest(B, query, after, name);
    }

    private static List<Long> ids(List<Event> events) {
        return events.stream().map(e -> e.position().globalId()).toList();
    }

    private static List<Long> upTo(long last) {
        return LongStream.rangeClosed(0, last).boxed().toList();
    }

    @Test
    void replays_the_history_then_delivers_live_events_in_order() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.publishers("a", 100);
            fixture.appendMany(B, "old-", 10, 5, n -> "{}");
            CatchUpSubscriptions subscriptions = fixture.subscriptions(1024, 20);
            Collector collector = Collector.run(subscriptions.open(request("s", Query.all(),
                    Optional.of(new Position(0, 0)))));
            collector.awaitCount(50, WAIT);
            fixture.appendMany(B, "new-", 6, 5, n -> "{}");
            collector.awaitCount(80, WAIT);
            assertThat(collector.events()).isEqualTo(fixture.all(B, Query.all()));
        }
    }

    @Test
    void without_a_position_delivers_only_what_commits_after_the_subscription_starts() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.publishers("a", 100);
            fixture.appendMany(B, "old-", 4, 5, n -> "{}");
            CatchUpSubscriptions subscriptions = fixture.subscriptions(1024, 100);
            Collector collector = Collector.run(subscriptions.open(request("s", Query.all(), Optional.empty())));
            fixture.appendMany(B, "new-", 3, 5, n -> "{}");
            collector.awaitCount(15, WAIT);
            assertThat(collector.globalIds()).isEqualTo(LongStream.range(20, 35).boxed().toList());
        }
    }

    @Test
    void replay_and_live_delivery_apply_the_same_filter() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.publishers("a", 100);
            Query query = Query.of(
                    Criterion.of(Tag.of("kind", "a"), Tag.of("amount", "1.50")),
                    Criterion.of(Tag.of("eventType", "Special")),
                    Criterion.of(Tag.of("flag", "true")));
            List<EventToSave> mixed = mixedEvents("old");
            fixture.append(B, mixed);
            CatchUpSubscriptions subscriptions = fixture.subscriptions(1024, 7);
            Collector collector = Collector.run(subscriptions.open(request("s", query, Optional.of(Position.NONE))));
            fixture.append(B, mixedEvents("new"));
            List<Event> expected = fixture.all(B, query);
            assertThat(expected).as("matches per batch: 1.50, \"1.50\", 150e-2, Special, true, \"true\"").hasSize(2 * 6);
            collector.awaitCount(expected.size(), WAIT);
            // Anything unexpected would have arrived with or before the last expected event.
            assertThat(collector.events()).isEqualTo(expected);
        }
    }

    private static List<EventToSave> mixedEvents(String prefix) {
        String[][] cases = {
                {"Normal", "{\"kind\": \"a\", \"amount\": 1.50}"},
                {"Normal", "{\"kind\": \"a\", \"amount\": 1.5}"},
                {"Normal", "{\"kind\": \"a\", \"amount\": \"1.50\"}"},
                {"Normal", "{\"kind\": \"b\", \"amount\": 1.50}"},
                {"Special", "{\"kind\": \"b\"}"},
                {"Normal", "{\"eventType\": \"Special\"}"},
                {"Normal", "{\"flag\": true}"},
                {"Normal", "{\"flag\": \"true\"}"},
                {"Normal", "{\"flag\": null}"},
                {"Normal", "{\"amount\": 150e-2, \"kind\": \"a\"}"},
        };
        List<EventToSave> events = new ArrayList<>();
        for (int i = 0; i < cases.length; i++) {
            events.add(DeliveryFixture.event(prefix + i, cases[i][0], cases[i][1]));
        }
        return events;
    }

    @Test
    void the_seam_between_replay_and_live_loses_and_repeats_nothing_while_writers_keep_writing() throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.publishers("a", 200);
            fixture.appendMany(B, "pre-", 20, 10, n -> "{}");
            int writers = 3;
            int savesPerWriter = 100;
            CyclicBarrier start = new CyclicBarrier(writers + 1);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        start.await();
                        fixture.appendMany(B, "w" + writer + "-", savesPerWriter, 3, n -> "{}");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            CatchUpSubscriptions subscriptions = fixture.subscriptions(64, 25);
            start.await();
            Collector collector = Collector.run(subscriptions.open(request("s", Query.all(), Optional.of(Position.NONE))));
            for (Thread thread : threads) {
                thread.join();
            }
            int total = 200 + writers * savesPerWriter * 3;
            collector.awaitCount(total, WAIT);
            assertThat(collector.globalIds()).isEqualTo(upTo(total - 1));
        }
    }

    @Test
    void a_subscriber_slower_than_the_ring_still_receives_everything_once_in_order() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.publishers("a", 100);
            CatchUpSubscriptions subscriptions = fixture.subscriptions(16, 10);
            Collector slow = Collector.run(subscriptions.open(request("slow", Query.all(), Optional.empty())),
                    Duration.ofMillis(2));
            Collector fast = Collector.run(subscriptions.open(request("fast", Query.all(), Optional.empty())));
            fixture.appendMany(B, "e", 40, 10, n -> "{}");
            fast.awaitCount(400, WAIT);
            slow.awaitCount(400, WAIT);
            assertThat(slow.globalIds()).isEqualTo(upTo(399));
            assertThat(fast.globalIds()).isEqualTo(upTo(399));
        }
    }

    @Test
    void events_too_large_for_the_ring_are_read_from_the_log_in_their_place() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.publishers("a", 100);
            CatchUpSubscriptions subscriptions = fixture.subscriptions(1024, 100);
            Collector collector = Collector.run(subscriptions.open(request("s", Query.all(), Optional.empty())));
            String large = "{\"blob\": \"" + "x".repeat(5000) + "\"}";
            fixture.appendMany(B, "e", 6, 5, n -> n % 7 == 3 ? large : "{}");
            collector.awaitCount(30, WAIT);
            assertThat(collector.globalIds()).isEqualTo(upTo(29));
            assertThat(collector.events()).isEqualTo(fixture.all(B, Query.all()));
        }
    }

    @Test
    void subscribers_receive_everything_even_when_no_publisher_runs() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            CatchUpSubscriptions subscriptions = fixture.subscriptions(1024, 100);
            fixture.appendMany(B, "old-", 2, 5, n -> "{}");
            Collector collector = Collector.run(subscriptions.open(request("s", Query.all(), Optional.of(Position.NONE))));
            collector.awaitCount(10, WAIT);
            fixture.appendMany(B, "new-", 2, 5, n -> "{}");
            collector.awaitCount(20, WAIT);
            assertThat(collector.globalIds()).isEqualTo(upTo(19));
        }
    }

    @Test
    void keeps_delivering_in_order_across_a_nats_restart() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.publishers("a", 100);
            CatchUpSubscriptions subscriptions = fixture.subscriptions(1024, 100);
            Collector collector = Collector.run(subscriptions.open(request("s", Query.all(), Optional.empty())));
            fixture.appendMany(B, "a-", 2, 5, n -> "{}");
            collector.awaitCount(10, WAIT);
            fixture.natsServer.kill();
            fixture.appendMany(B, "b-", 2, 5, n -> "{}");
            fixture.natsServer.restart();
            fixture.appendMany(B, "c-", 2, 5, n -> "{}");
            collector.awaitCount(30, WAIT);
            fixture.appendMany(B, "d-", 2, 5, n -> "{}");
            collector.awaitCount(40, WAIT);
            assertThat(collector.globalIds()).isEqualTo(upTo(39));
        }
    }

    @Test
    void a_requested_position_excludes_itself_and_everything_before_it_as_the_log_orders_positions() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.publishers("a", 100);
            fixture.appendMany(B, "e", 4, 3, n -> "{}");
            List<Event> events = fixture.all(B, Query.all());
            CatchUpSubscriptions subscriptions = fixture.subscriptions(1024, 100);
            // An event's own position, a position between two saves, and one inside a save but beyond its events.
            Position ofEvent4 = events.get(4).position();
            Position betweenSaves = new Position(events.get(2).position().transactionId() + 1, 0);
            Position pastSave = new Position(events.get(2).position().transactionId(), 50);
            Collector afterEvent = Collector.run(subscriptions.open(request("x", Query.all(), Optional.of(ofEvent4))));
            Collector between = Collector.run(subscriptions.open(request("y", Query.all(), Optional.of(betweenSaves))));
            Collector past = Collector.run(subscriptions.open(request("z", Query.all(), Optional.of(pastSave))));
            afterEvent.awaitCount(7, WAIT);
            between.awaitCount(9, WAIT);
            past.awaitCount(9, WAIT);
            assertThat(afterEvent.globalIds()).isEqualTo(LongStream.range(5, 12).boxed().toList());
            assertThat(between.globalIds()).isEqualTo(LongStream.range(3, 12).boxed().toList());
            assertThat(past.globalIds()).isEqualTo(LongStream.range(3, 12).boxed().toList());
        }
    }

    @Test
    void a_position_beyond_the_head_skips_later_events_that_still_sort_before_it() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.publishers("a", 500);
            CatchUpSubscriptions subscriptions = fixture.subscriptions(2048, 100);
            Position future = new Position(1000, 1000);
            Collector collector = Collector.run(subscriptions.open(request("s", Query.all(), Optional.of(future))));
            // Saves of 100 events: the tenth ends at (1000, 999), before the requested position; the eleventh follows.
            fixture.appendMany(B, "e", 11, 100, n -> "{}");
            collector.awaitCount(100, WAIT);
            assertThat(collector.globalIds()).isEqualTo(LongStream.range(1000, 1100).boxed().toList());
            assertThat(collector.events().getFirst().position()).isEqualTo(new Position(1100, 1000));
        }
    }

    @Test
    void a_second_subscriber_with_the_same_name_is_refused_until_the_first_ends() throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B), DeliveryFixture.boundary("other"))) {
            CatchUpSubscriptions subscriptions = fixture.subscriptions(1024, 100);
            CatchUpSubscription first = subscriptions.open(request("s", Query.all(), Optional.empty()));
            Collector collector = Collector.run(first);
            assertThatThrownBy(() -> subscriptions.open(request("s", Query.all(), Optional.empty())))
                    .isInstanceOf(AlreadyExists.class);
            subscriptions.open(new CatchUpRequest("other", Query.all(), Optional.empty(), "s")).close();
            subscriptions.open(request("t", Query.all(), Optional.empty())).close();
            assertThatThrownBy(() -> subscriptions.open(new CatchUpRequest("missing", Query.all(), Optional.empty(), "s")))
                    .isInstanceOf(NotFound.class);

            first.cancel();
            assertThat(collector.awaitEnd(WAIT)).as("a cancelled subscription ends normally").isNull();
            subscriptions.open(request("s", Query.all(), Optional.empty())).close();
            assertThat(subscriptions.size()).isZero();
        }
    }

    @Test
    void shutting_down_ends_subscriptions_as_unavailable() throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            CatchUpSubscriptions subscriptions = fixture.subscriptions(1024, 100);
            Collector collector = Collector.run(subscriptions.open(request("s", Query.all(), Optional.empty())));
            subscriptions.close();
            assertThat(collector.awaitEnd(WAIT)).isInstanceOf(Unavailable.class);
            assertThatThrownBy(() -> subscriptions.open(request("s", Query.all(), Optional.empty())))
                    .isInstanceOf(Unavailable.class);
        }
    }
}
