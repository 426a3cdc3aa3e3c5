package io.orisun.publisher;

import static io.orisun.publisher.DeliveryFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Event;
import io.orisun.api.LogObserver;
import io.orisun.api.Query;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The publisher lease expires when its holder goes quiet, and leases spread over the nodes. */
class LeaseFencingIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void a_lease_whose_holder_goes_quiet_passes_to_another_node_and_the_quiet_holder_can_no_longer_use_it()
            throws Exception {
        BoundarySpec boundary = DeliveryFixture.boundary("fenced");
        try (DeliveryFixture fixture = new DeliveryFixture(boundary);
             PublisherSession quiet = PublisherSession.open(fixture.sessions(), boundary, "orisun-publisher quiet fenced",
                     Duration.ofSeconds(1));
             PublisherSession other = PublisherSession.open(fixture.sessions(), boundary, "orisun-publisher other fenced",
                     Duration.ofSeconds(1))) {
            assertThat(quiet.tryLease()).as("the first session takes the free lease").isTrue();
            assertThat(other.tryLease()).as("the lease is held").isFalse();
            // The other session keeps itself alive while it waits; the quiet one runs nothing at all, as if paused.
            await("the quiet holder's lease expires and the other session takes it", WAIT, () -> {
                try {
                    Thread.sleep(200);
                    return other.tryLease();
                } catch (SQLException e) {
                    throw new AssertionError(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            });
            assertThatThrownBy(quiet::touch).as("the quiet holder's session is gone").isInstanceOf(SQLException.class);
            assertThatThrownBy(quiet::checkpoint).isInstanceOf(SQLException.class);
            assertThat(fixture.leaseHolders("fenced")).isEqualTo(1);
        }
    }

    @Test
    void a_paused_holder_that_resumes_after_losing_its_lease_publishes_nothing_even_past_the_duplicate_window()
            throws Exception {
        String name = "paused";
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary(name))) {
            // Never started: the test runs its cycles, and between them the holder is as still as a paused process.
            PublisherLoop paused = new PublisherLoop(DeliveryFixture.boundary(name), fixture.connectNats(), fixture.log,
                    fixture.sessions(), new PublisherSettings("paused", 100, true, Duration.ofSeconds(2),
                    Duration.ofMillis(300), Duration.ofSeconds(1), DeliveryFixture.STREAM), LogObserver.NONE,
                    new LeaseSpread(() -> 1, Duration.ofMillis(300)), DeliveryFixture.MAC);
            fixture.appendMany(name, "e", 1, 10, n -> "{}");
            assertThat(paused.cycleForTest()).as("events published by the first holder").isEqualTo(10);
            fixture.appendMany(name, "f", 1, 10, n -> "{}");
            // The batch the holder read just before its pause.
            List<Event> readBeforePause = fixture.all(name, Query.all()).subList(10, 20);

            BoundaryPublishers next = fixture.publishers("next", 100);
            await("the next node takes the expired lease", WAIT, () -> next.leads(name));
            await("the next node publishes", WAIT, () -> fixture.checkpoint(name).globalId() == 19);
            fixture.passDuplicateWindow(name);
            List<Message> before = fixture.streamMessages(name);

            assertThatThrownBy(paused::cycleForTest).as("a cycle proves the lease first, and the session is gone")
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> paused.publishAfterPauseForTest(readBeforePause))
                    .as("a pause between the proof and the publish meets JetStream's fence")
                    .hasRootCauseInstanceOf(JetStreamApiException.class);

            List<Message> after = fixture.streamMessages(name);
            assertThat(after).hasSameSizeAs(before);
            assertThat(fixture.streamGlobalIds(name)).isEqualTo(LongStream.rangeClosed(0, 19).boxed().toList());
            assertThat(after.stream().filter(message -> DeliveryFixture.entries(message).getLast().position().globalId() >= 10))
                    .as("the messages of events 10 to 19").isNotEmpty()
                    .allSatisfy(message -> assertThat(message.getHeaders().getFirst(PublisherLoop.PUBLISHER_HEADER))
                            .isEqualTo("next"));
            assertThat(fixture.checkpoint(name).globalId()).isEqualTo(19);
        }
    }

    @Test
    void a_publisher_that_idles_longer_than_its_lease_timeout_keeps_its_lease() throws Exception {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary("idle"))) {
            BoundaryPublishers publishers = fixture.publishers("a", 100);
            await("node a leads", WAIT, () -> publishers.leads("idle"));
            // Two lease timeouts with no commit at all: only the heartbeat keeps the session.
            Thread.sleep(PublisherSettings.DEFAULT_LEASE_TIMEOUT.multipliedBy(2).toMillis());
            assertThat(publishers.leads("idle")).isTrue();
            fixture.appendMany("idle", "e", 2, 10, n -> "{}");
            await("the events are published", WAIT, () -> fixture.checkpoint("idle").globalId() == 19);
            assertThat(fixture.streamGlobalIds("idle")).isEqualTo(LongStream.rangeClosed(0, 19).boxed().toList());
        }
    }

    @Test
    void a_node_that_started_first_hands_leases_over_until_each_node_has_its_share() {
        List<String> names = List.of("spread_1", "spread_2", "spread_3", "spread_4");
        try (DeliveryFixture fixture = new DeliveryFixture(names.stream().map(DeliveryFixture::boundary)
                .toArray(BoundarySpec[]::new))) {
            BoundaryPublishers first = fixture.publishers("first", 100);
            await("the first node leads every boundary", WAIT, () -> first.leases() == 4);
            BoundaryPublishers second = fixture.publishers("second", 100);
            await("each node leads two boundaries", WAIT, () -> first.leases() == 2 && second.leases() == 2);
            for (String name : names) {
                assertThat(fixture.leaseHolders(name)).as("holders of %s", name).isEqualTo(1);
                fixture.appendMany(name, name, 3, 10, n -> "{}");
            }
            for (String name : names) {
                await(name + " is published", WAIT, () -> fixture.checkpoint(name).globalId() == 29);
                assertThat(fixture.streamGlobalIds(name)).isEqualTo(LongStream.rangeClosed(0, 29).boxed().toList());
            }
            assertThat(first.leases() + second.leases()).isEqualTo(4);
        }
    }
}
