package io.orisun.publisher;

import static io.orisun.publisher.DeliveryFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.NatsMessage;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.LogObserver;
import io.orisun.api.Position;
import io.orisun.api.Query;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Batch messages: exactness across failovers and the catch-up switch, the MAC, and streams of earlier versions. */
class BatchMessagesIT {

    private static final String B = "orders";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static List<Long> upTo(long last) {
        return LongStream.rangeClosed(0, last).boxed().toList();
    }

    /** Subscriptions whose feed never sends them to the log on its own: events the feed holds come from it. */
    private static CatchUpSubscriptions patientSubscriptions(DeliveryFixture fixture) {
        return fixture.closeLater(new CatchUpSubscriptions(fixture.connectNats(), fixture.log,
                new FeedSettings(1024, 1 << 20, 100, Duration.ofMinutes(5), DeliveryFixture.STREAM), DeliveryFixture.MAC));
    }

    @Test
    void a_failover_in_the_middle_of_a_batch_publishes_every_event_once_in_order() throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            CatchUpSubscriptions subscriptions = fixture.subscriptions(4096, 100);
            Collector live = Collector.run(subscriptions.open(new CatchUpRequest(B, Query.all(), Optional.empty(), "s")));
            BoundaryPublishers first = fixture.publishers("first", 500);
            await("the first node leads", WAIT, () -> first.leads(B));

            // JetStream refuses the message that holds the big event: the first node stops in the middle of the batch,
            // after the messages before it were stored.
            Connection nats = fixture.connectNats();
            JetStreamManagement jsm = nats.jetStreamManagement();
            String stream = EventStream.of(B).name();
            StreamConfiguration original = jsm.getStreamInfo(stream).getConfiguration();
            jsm.updateStream(StreamConfiguration.builder(original)
                    .maximumMessageSize(PublisherLoop.CHUNK_BYTES + 8 * 1024).build());
            String medium = "{\"blob\": \"" + "m".repeat(20_000) + "\"}";
            String big = "{\"blob\": \"" + "x".repeat(PublisherLoop.CHUNK_BYTES + 16 * 1024) + "\"}";
            List<EventToSave> batch = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                batch.add(DeliveryFixture.event("batch-" + i, "Numbered", i == 200 ? big : medium));
            }
            fixture.append(B, batch);
            await("the messages before the refused one are stored", WAIT,
                    () -> fixture.streamGlobalIds(B).contains(199L));
            List<Message> stored = fixture.streamMessages(B);
            assertThat(stored.size()).as("messages of the batch stored before the refused one").isGreaterThan(1);
            assertThat(fixture.checkpoint(B).globalId()).as("the checkpoint never passes what the stream holds")
                    .isLessThanOrEqualTo(199);

            // The first node goes, the stream takes the big event again, and another node takes over.
            first.close();
            jsm.updateStream(original);
            BoundaryPublishers second = fixture.publishers("second", 70);
            await("the second node publishes the rest", WAIT, () -> fixture.checkpoint(B).globalId() == 299);
            fixture.appendMany(B, "after-", 3, 50, n -> "{}");
            await("and what follows", WAIT, () -> fixture.checkpoint(B).globalId() == 449);
            assertThat(second.leads(B)).isTrue();

            assertThat(fixture.streamGlobalIds(B)).as("every global id once, in order").isEqualTo(upTo(449));
            assertThat(fixture.streamMessages(B).subList(0, stored.size())).extracting(m -> m.getHeaders()
                    .getFirst(PublisherLoop.PUBLISHER_HEADER)).containsOnly("first");
            live.awaitCount(450, WAIT);
            assertThat(live.events()).as("what the subscriber received").isEqualTo(fixture.all(B, Query.all()));
        }
    }

    @Test
    void publishers_whose_sessions_are_killed_while_they_publish_batches_publish_every_event_once_in_order()
            throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            CatchUpSubscriptions subscriptions = fixture.subscriptions(4096, 100);
            Collector live = Collector.run(subscriptions.open(new CatchUpRequest(B, Query.all(), Optional.empty(), "s")));
            fixture.publishers("a", 200);
            fixture.publishers("b", 200);
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread killer = Thread.ofVirtual().start(() -> {
                Random random = new Random(11);
                while (writing.get()) {
                    try {
                        Thread.sleep(100 + random.nextInt(300));
                    } catch (InterruptedException e) {
                        return;
                    }
                    fixture.terminatePublisherSessions();
                }
            });
            // Payloads of about 8 KiB: a batch of 200 spans several messages, so the kills fall between them too.
            String payload = "{\"blob\": \"" + "p".repeat(8_000) + "\"}";
            int events = 0;
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until) {
                fixture.appendMany(B, "e" + events + "-", 1, 40, n -> payload);
                events += 40;
            }
            writing.set(false);
            killer.join();
            long last = events - 1;
            await("every event is published", WAIT, () -> fixture.checkpoint(B).globalId() == last);
            assertThat(fixture.streamGlobalIds(B)).as("every global id once, in order").isEqualTo(upTo(last));
            assertThat(fixture.streamMessages(B).size()).as("batch messages").isLessThan(events);
            live.awaitCount(events, WAIT);
            assertThat(live.globalIds()).as("what the subscriber received").isEqualTo(upTo(last));
        }
    }

    @Test
    void a_holder_that_took_the_lease_on_an_empty_stream_and_lost_it_in_a_pause_publishes_nothing() throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            PublisherLoop paused = new PublisherLoop(DeliveryFixture.boundary(B), fixture.connectNats(), fixture.log,
                    fixture.sessions(), new PublisherSettings("paused", 100, true, Duration.ofSeconds(2),
                    Duration.ofMillis(300), Duration.ofSeconds(1), DeliveryFixture.STREAM), LogObserver.NONE,
                    new LeaseSpread(() -> 1, Duration.ofMillis(300)), DeliveryFixture.MAC);
            assertThat(paused.cycleForTest()).as("the holder finds the stream empty and nothing to publish").isZero();
            fixture.appendMany(B, "e", 1, 20, n -> "{}");
            List<Event> readBeforePause = fixture.all(B, Query.all()).subList(0, 15);

            BoundaryPublishers next = fixture.publishers("next", 7);
            await("the next node publishes", WAIT, () -> fixture.checkpoint(B).globalId() == 19);
            fixture.passDuplicateWindow(B);
            List<Message> before = fixture.streamMessages(B);

            // Split differently from the next node's messages, and past the duplicate window: only the fence is left.
            assertThatThrownBy(() -> paused.publishAfterPauseForTest(readBeforePause))
                    .as("a stale holder that saw an empty stream meets JetStream's fence")
                    .hasRootCauseInstanceOf(JetStreamApiException.class);
            assertThat(fixture.streamMessages(B)).hasSameSizeAs(before);
            assertThat(fixture.streamGlobalIds(B)).isEqualTo(upTo(19));
            assertThat(next.leads(B)).isTrue();
        }
    }

    @Test
    void a_subscription_switches_from_the_log_to_the_feed_in_the_middle_of_a_batch_message() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            CatchUpSubscriptions subscriptions = patientSubscriptions(fixture);
            fixture.appendMany(B, "replayed-", 1, 10, n -> "{\"n\": " + n + "}");
            Collector collector = Collector.run(subscriptions.open(new CatchUpRequest(B, Query.all(),
                    Optional.of(Position.NONE), "s")));
            collector.awaitCount(10, WAIT);
            assertThat(collector.globalIds()).as("replayed from the log").isEqualTo(upTo(9));

            // Only now is anything published: one message holding the replayed events and the next ones.
            fixture.appendMany(B, "live-", 1, 10, n -> "{\"n\": " + n + "}");
            fixture.publishers("a", 100);
            collector.awaitCount(20, WAIT);
            List<Message> messages = fixture.streamMessages(B);
            assertThat(messages).as("one batch message").hasSize(1);
            assertThat(DeliveryFixture.entries(messages.getFirst())).extracting(e -> e.position().globalId())
                    .isEqualTo(upTo(19));
            assertThat(collector.events()).as("each event once, in order").isEqualTo(fixture.all(B, Query.all()));
        }
    }

    @Test
    void a_tampered_or_forged_batch_message_is_rejected_and_subscribers_receive_exactly_the_log() throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            CatchUpSubscriptions subscriptions = fixture.subscriptions(1024, 100);
            Collector collector = Collector.run(subscriptions.open(new CatchUpRequest(B, Query.all(),
                    Optional.empty(), "s")));
            fixture.publishers("a", 100);
            fixture.appendMany(B, "e", 1, 10, n -> "{\"amount\": " + n + "}");
            await("the events are published", WAIT, () -> fixture.checkpoint(B).globalId() == 9);
            collector.awaitCount(10, WAIT);

            Connection nats = fixture.connectNats();
            EventStream stream = EventStream.of(B);
            Message genuine = fixture.streamMessages(B).getFirst();
            // The first event's amount goes from 0 to 9, the MAC and headers are kept.
            byte[] tampered = genuine.getData().clone();
            String text = new String(tampered, StandardCharsets.ISO_8859_1);
            int amount = text.indexOf("\"amount\": 0}");
            assertThat(amount).as("the first event's data in the body").isPositive();
            tampered[amount + "\"amount\": ".length()] = '9';
            io.nats.client.impl.Headers headers = new io.nats.client.impl.Headers();
            for (String name : List.of(EventMessage.TRANSACTION_ID, EventMessage.GLOBAL_ID, EventMac.HEADER,
                    PublisherLoop.PUBLISHER_HEADER)) {
                headers.put(name, genuine.getHeaders().getFirst(name));
            }
            nats.jetStream().publish(NatsMessage.builder().subject(stream.subject()).headers(headers).data(tampered)
                    .build(), PublishOptions.builder().messageId("tampered").build());
            // A well-formed batch for the next positions, signed with another key.
            List<Event> log = fixture.all(B, Query.all());
            Event last = log.getLast();
            Event forged = new Event("forged", "Forged", "{\"amount\": 1000000}", "{}",
                    new Position(last.position().transactionId() + 2, last.position().globalId() + 1), last.dateCreated());
            EventMac otherKey = EventMac.of("a-key-the-publishers-do-not-hold-0123".getBytes(StandardCharsets.UTF_8));
            nats.jetStream().publish(LegacyEventMessage.batch(stream.subject(), B, List.of(forged), otherKey),
                    PublishOptions.builder().messageId("forged").build());
            await("the feed rejects both", WAIT, () -> subscriptions.rejectedMessages() == 2);

            fixture.appendMany(B, "f", 2, 5, n -> "{\"amount\": " + n + "}");
            collector.awaitCount(20, WAIT);
            assertThat(collector.events()).as("exactly the log").isEqualTo(fixture.all(B, Query.all()));
            assertThat(collector.events()).extracting(Event::eventId).doesNotContain("forged");
            await("the publisher goes on after the foreign messages", WAIT,
                    () -> fixture.checkpoint(B).globalId() == 19);
        }
    }

    @Test
    void a_stream_of_per_event_messages_from_an_earlier_version_is_consumed_and_continued() throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(B))) {
            CatchUpSubscriptions subscriptions = patientSubscriptions(fixture);
            Collector collector = Collector.run(subscriptions.open(new CatchUpRequest(B, Query.all(),
                    Optional.empty(), "s")));
            fixture.appendMany(B, "old-", 2, 5, n -> "{\"n\": " + n + "}");
            // As an earlier version published them: one message per event, its id the event's, chained.
            Connection nats = fixture.connectNats();
            EventStream stream = EventStream.of(B);
            String previousId = null;
            for (Event event : fixture.all(B, Query.all())) {
                String id = EventMessage.messageId(B, event.position());
                PublishOptions.Builder options = PublishOptions.builder().messageId(id);
                if (previousId != null) {
                    options.expectedLastMsgId(previousId);
                }
                nats.jetStream().publish(LegacyEventMessage.perEvent(stream.subject(), B, event, DeliveryFixture.MAC),
                        options.build());
                previousId = id;
            }
            collector.awaitCount(10, WAIT);
            assertThat(collector.globalIds()).as("received from the per-event messages").isEqualTo(upTo(9));

            // The new version resumes after the last per-event message, though the checkpoint never moved.
            fixture.publishers("new", 100);
            fixture.appendMany(B, "new-", 2, 5, n -> "{\"n\": " + n + "}");
            await("the new events are published", WAIT, () -> fixture.checkpoint(B).globalId() == 19);
            collector.awaitCount(20, WAIT);
            assertThat(collector.events()).isEqualTo(fixture.all(B, Query.all()));
            assertThat(fixture.streamGlobalIds(B)).as("each event once, in order").isEqualTo(upTo(19));
            List<Message> messages = fixture.streamMessages(B);
            assertThat(messages.subList(0, 10)).allSatisfy(m -> assertThat(m.getData()[0]).isEqualTo((byte) '{'));
            assertThat(messages.subList(10, messages.size())).allSatisfy(m ->
                    assertThat(m.getData()[0]).isEqualTo(EventBatch.VERSION));
        }
    }
}
