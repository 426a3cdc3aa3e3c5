package io.orisun.publisher;

import static io.orisun.publisher.DeliveryFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.StreamConfiguration;
import io.orisun.api.Event;
import io.orisun.api.Position;
import io.orisun.api.Query;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PublisherLoopIT {

    private static final String B = "orders";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static List<Long> upTo(long lastGlobalId) {
        return LongStream.rangeClosed(0, lastGlobalId).boxed().toList();
    }

    @Test
    void publishes_every_event_once_in_position_order_and_checkpoints_the_last() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.appendMany(B, "before-", 30, 40, n -> "{\"n\": " + n + "}");
            fixture.publishers("a", 500);
            await("the checkpoint reaches the head", WAIT, () -> fixture.checkpoint(B).equals(fixture.log.head(B)));

            // Committed while the publisher idles: LISTEN wakes it.
            fixture.appendMany(B, "after-", 5, 7, n -> "{\"n\": " + n + "}");
            await("the checkpoint reaches the new head", WAIT,
                    () -> fixture.checkpoint(B).equals(fixture.log.head(B)));

            List<Event> events = fixture.all(B, Query.all());
            List<Message> messages = fixture.streamMessages(B);
            assertThat(messages.size()).as("batch messages").isLessThan(events.size());
            List<Event> published = new ArrayList<>();
            for (Message message : messages) {
                List<StreamEntry> entries = DeliveryFixture.entries(message);
                Position last = entries.getLast().position();
                assertThat(message.getHeaders().getFirst("Nats-Msg-Id")).as("the id of the last event")
                        .isEqualTo(B + ":" + last.transactionId() + ":" + last.globalId());
                assertThat(message.getHeaders().getFirst(EventMessage.GLOBAL_ID)).isEqualTo(Long.toString(last.globalId()));
                assertThat(DeliveryFixture.MAC.calculator().verify(B, message)).isTrue();
                entries.forEach(entry -> published.add(entry.event().orElseThrow()));
            }
            assertThat(published).isEqualTo(events);
        }
    }

    @Test
    void commits_that_land_while_a_batch_is_published_are_published_on_their_notifications_alone() throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            // Idle tick and heartbeat of minutes: within the test's wait, only commit notifications can wake the
            // publisher, so a wake-up lost after a short batch would strand the last events.
            BoundaryPublishers publishers = fixture.closeLater(new BoundaryPublishers(fixture.connectNats(),
                    fixture.log, fixture.sessions(), new PublisherSettings("slow-tick", 50, true,
                    Duration.ofMinutes(10), Duration.ofMillis(300), Duration.ofMinutes(10), DeliveryFixture.STREAM),
                    DeliveryFixture.MAC));
            fixture.boundaries.forEach(publishers::start);
            await("the node leads", WAIT, () -> publishers.leads(B));
            java.util.Random random = new java.util.Random(7);
            int events = 0;
            for (int save = 0; save < 300; save++) {
                int size = 1 + random.nextInt(3);
                fixture.appendMany(B, "s" + save + "-", 1, size, n -> "{}");
                events += size;
                if (random.nextInt(4) == 0) {
                    Thread.sleep(random.nextInt(3));
                }
            }
            long last = events - 1;
            await("every event is published", WAIT, () -> fixture.checkpoint(B).globalId() == last);
            assertThat(fixture.streamGlobalIds(B)).isEqualTo(upTo(last));
        }
    }

    @Test
    void resumes_from_the_checkpoint_and_the_duplicate_window_drops_what_was_published_already() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.appendMany(B, "e", 10, 50, n -> "{}");
            BoundaryPublishers first = fixture.publishers("a", 100);
            await("the first publisher drains the log", WAIT, () -> fixture.checkpoint(B).globalId() == 499);
            first.close();

            // As after a crash between the acks and the checkpoint write: the checkpoint lags what was published.
            Event earlier = fixture.all(B, Query.all()).get(199);
            fixture.setCheckpoint(B, earlier.position());
            fixture.appendMany(B, "f", 3, 100, n -> "{}");

            fixture.publishers("b", 100);
            await("the second publisher drains the log", WAIT, () -> fixture.checkpoint(B).globalId() == 799);
            assertThat(fixture.streamGlobalIds(B)).isEqualTo(upTo(799));
        }
    }

    @Test
    void a_new_holder_resumes_after_the_last_event_the_stream_holds_when_the_checkpoint_lags_past_the_duplicate_window() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.appendMany(B, "e", 5, 100, n -> "{}");
            BoundaryPublishers first = fixture.publishers("a", 100);
            await("the first publisher drains the log", WAIT, () -> fixture.checkpoint(B).globalId() == 499);
            first.close();

            // The checkpoint lags what the stream holds, and JetStream no longer remembers the ids it stored.
            fixture.setCheckpoint(B, fixture.all(B, Query.all()).get(149).position());
            fixture.passDuplicateWindow(B);
            fixture.appendMany(B, "f", 2, 100, n -> "{}");

            fixture.publishers("b", 100);
            await("the second publisher drains the log", WAIT, () -> fixture.checkpoint(B).globalId() == 699);
            assertThat(fixture.streamGlobalIds(B)).as("each event once, in order").isEqualTo(upTo(699));
        }
    }

    @Test
    void a_stream_that_ends_at_a_position_this_log_does_not_hold_does_not_move_the_checkpoint() throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            // As a stream left behind by another database: its last message names a position this log never had.
            EventStream stream = EventStream.of(B);
            Connection nats = fixture.connectNats();
            stream.createOrUpdate(nats.jetStreamManagement(), DeliveryFixture.STREAM);
            nats.jetStream().publish(io.nats.client.impl.NatsMessage.builder().subject(stream.subject())
                    .headers(EventMessage.headers(new Position(9_999_999, 9_999)))
                    .data(new byte[0]).build());
            fixture.appendMany(B, "e", 2, 10, n -> "{}");

            fixture.publishers("a", 100);
            await("the log is published", WAIT, () -> fixture.checkpoint(B).globalId() == 19);
            assertThat(fixture.streamGlobalIds(B)).isEqualTo(java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(9_999L), upTo(19).stream()).toList());
        }
    }

    @Test
    void never_checkpoints_past_what_the_stream_acknowledged_and_keeps_the_stream_in_order() throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.publishers("a", 500);
            fixture.appendMany(B, "small-", 2, 500, n -> "{}");
            await("the first 1000 events are published", WAIT, () -> fixture.checkpoint(B).globalId() == 999);
            Position checkpoint = fixture.checkpoint(B);

            // JetStream will now refuse one message in the middle of the next batch.
            Connection nats = fixture.connectNats();
            JetStreamManagement jsm = nats.jetStreamManagement();
            String stream = EventStream.of(B).name();
            StreamConfiguration original = jsm.getStreamInfo(stream).getConfiguration();
            // Room for a batch message of small events, but not for one that holds the big event.
            jsm.updateStream(StreamConfiguration.builder(original)
                    .maximumMessageSize(PublisherLoop.CHUNK_BYTES + 8 * 1024).build());
            String big = "{\"blob\": \"" + "x".repeat(PublisherLoop.CHUNK_BYTES + 16 * 1024) + "\"}";
            List<io.orisun.api.EventToSave> batch = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                batch.add(DeliveryFixture.event("batch-" + i, "Numbered", i == 250 ? big : "{}"));
            }
            fixture.append(B, batch);

            await("the events before the refused one reach the stream", WAIT,
                    () -> fixture.streamGlobalIds(B).contains(1249L));
            Thread.sleep(1500);
            // The retry learns from the stream that it holds the events before the refused one, and may move the
            // checkpoint up to them, never past them.
            assertThat(fixture.checkpoint(B).globalId()).as("checkpoint while a message of the batch is refused")
                    .isBetween(checkpoint.globalId(), 1249L);
            assertThat(fixture.streamGlobalIds(B)).as("stream while a message of the batch is refused")
                    .isEqualTo(upTo(1249));

            jsm.updateStream(original);
            await("the batch is published", WAIT, () -> fixture.checkpoint(B).globalId() == 1499);
            assertThat(fixture.streamGlobalIds(B)).isEqualTo(upTo(1499));
        }
    }

    @Test
    void an_event_larger_than_nats_accepts_is_published_as_its_position_alone_and_subscribers_read_it_from_the_log() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.publishers("a", 100);
            CatchUpSubscriptions subscriptions = fixture.subscriptions(1024, 100);
            Collector collector = Collector.run(subscriptions.open(
                    new CatchUpRequest(B, Query.all(), java.util.Optional.empty(), "s")));
            String huge = "{\"blob\": \"" + "x".repeat(1_200_000) + "\"}";
            fixture.append(B, List.of(DeliveryFixture.event("small-1", "T", "{}"), DeliveryFixture.event("huge", "T", huge),
                    DeliveryFixture.event("small-2", "T", "{}")));
            await("the batch is published", WAIT, () -> fixture.checkpoint(B).globalId() == 2);
            List<StreamEntry> entries = fixture.streamMessages(B).stream()
                    .flatMap(message -> DeliveryFixture.entries(message).stream()).toList();
            assertThat(entries).hasSize(3);
            assertThat(entries.get(1).event()).as("the oversized event's body").isEmpty();
            assertThat(entries.get(1).position().globalId()).isEqualTo(1);
            assertThat(entries.get(2).event()).isPresent();
            collector.awaitCount(3, WAIT);
            assertThat(collector.events()).isEqualTo(fixture.all(B, Query.all()));
            assertThat(collector.events().get(1).data()).hasSizeGreaterThan(1_200_000);
        }
    }

    @Test
    void exactly_one_node_publishes_a_boundary_and_another_takes_over_when_it_stops() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            BoundaryPublishers a = fixture.publishers("a", 100);
            BoundaryPublishers b = fixture.publishers("b", 100);
            await("one node leads", WAIT, () -> a.leads(B) || b.leads(B));
            fixture.appendMany(B, "e", 5, 20, n -> "{}");
            await("the events are published", WAIT, () -> fixture.checkpoint(B).globalId() == 99);
            assertThat(a.leads(B) ^ b.leads(B)).as("exactly one node leads").isTrue();
            assertThat(fixture.leaseHolders(B)).isEqualTo(1);

            BoundaryPublishers leader = a.leads(B) ? a : b;
            BoundaryPublishers follower = leader == a ? b : a;
            leader.close();
            await("the other node takes over", WAIT, () -> follower.leads(B));
            fixture.appendMany(B, "f", 5, 20, n -> "{}");
            await("the new leader publishes", WAIT, () -> fixture.checkpoint(B).globalId() == 199);
            assertThat(fixture.leaseHolders(B)).isEqualTo(1);
            assertThat(fixture.streamGlobalIds(B)).isEqualTo(upTo(199));
        }
    }

    @Test
    void keeps_publishing_after_its_postgresql_session_is_terminated() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            BoundaryPublishers publishers = fixture.publishers("a", 100);
            fixture.appendMany(B, "e", 2, 10, n -> "{}");
            await("the events are published", WAIT, () -> fixture.checkpoint(B).globalId() == 19);
            assertThat(fixture.terminatePublisherSessions()).isEqualTo(1);

            fixture.appendMany(B, "f", 2, 10, n -> "{}");
            await("the publisher recovers and publishes", WAIT, () -> fixture.checkpoint(B).globalId() == 39);
            await("the publisher holds the lease again", WAIT, () -> publishers.leads(B));
            assertThat(fixture.streamGlobalIds(B)).isEqualTo(upTo(39));
        }
    }

    @Test
    void recreates_the_stream_and_resumes_after_nats_restarts() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            fixture.publishers("a", 100);
            fixture.appendMany(B, "e", 2, 10, n -> "{}");
            await("the events are published", WAIT, () -> fixture.checkpoint(B).globalId() == 19);

            fixture.natsServer.kill();
            fixture.appendMany(B, "f", 2, 10, n -> "{}");
            fixture.natsServer.restart();
            await("the publisher catches up", WAIT, () -> fixture.checkpoint(B).globalId() == 39);
            // A memory stream starts empty after a restart: it holds what was published since.
            assertThat(fixture.streamGlobalIds(B)).isEqualTo(LongStream.rangeClosed(20, 39).boxed().toList());
        }
    }
}
