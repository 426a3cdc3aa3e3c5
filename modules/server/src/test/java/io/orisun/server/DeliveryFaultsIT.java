package io.orisun.server;

import static io.orisun.server.EventTraffic.criterion;
import static io.orisun.server.EventTraffic.globalIds;
import static io.orisun.server.EventTraffic.position;
import static io.orisun.server.EventTraffic.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.api.Position;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.Query;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery through the gRPC API while NATS, the publisher's PostgreSQL session and stream retention fail it. The
 * tests share one node, whose streams keep messages for two seconds only; each test filters on its own
 * {@code test} field.
 */
class DeliveryFaultsIT {

    private static final String B = "orisun_test_1";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @SharedServer(environment = "ORISUN_NATS_EVENT_STREAM_MAX_AGE=2s")
    private static TestServer node;
    private static EventTraffic traffic;

    @BeforeAll
    static void createTraffic(TestServer server) {
        traffic = new EventTraffic(server);
    }

    private static String payload(String test, int n) {
        return "{\"test\": \"" + test + "\", \"n\": " + n + ", \"padding\": \"" + "p".repeat(400) + "\"}";
    }

    @Test
    void subscribers_get_every_event_in_order_when_nats_is_killed_and_restarted_mid_stream() throws Exception {
        Query query = query(criterion("test", "nats"));
        var fromStart = traffic.subscribe(B, "nats-from-start", query, position(-1, -1));
        var live = traffic.subscribeLive(B, "nats-live", query);
        traffic.awaitLive(B, live, n -> payload("nats", 1_000 + n), WAIT);
        traffic.save(B, "BeforeKill", 20, 5, n -> payload("nats", n));
        StreamCollector.await("the events before the kill arrive", WAIT,
                () -> fromStart.messages().stream().filter(e -> e.getEventType().equals("BeforeKill")).count() == 100);

        Thread writer = Thread.ofVirtual().start(() -> traffic.save(B, "DuringKill", 40, 5, n -> payload("nats", n)));
        node.nats().kill();
        Thread.sleep(1500);
        node.nats().restart();
        writer.join();
        traffic.save(B, "AfterRestart", 20, 5, n -> payload("nats", n));

        var expected = traffic.all(B, query);
        assertThat(expected.stream().filter(e -> !e.getEventType().equals("Probe"))).hasSize(400);
        fromStart.awaitCount(expected.size(), WAIT);
        assertThat(fromStart.messages()).isEqualTo(expected);
        // The live subscriber has everything from its first event (a probe) on.
        int first = globalIds(expected).indexOf(live.messages().getFirst().getPosition().getGlobalId());
        assertThat(first).isNotNegative();
        live.awaitCount(expected.size() - first, WAIT);
        assertThat(globalIds(live.messages())).isEqualTo(globalIds(expected.subList(first, expected.size())));
        fromStart.cancel();
        live.cancel();
    }

    @Test
    void the_publisher_and_subscribers_recover_when_the_publisher_session_is_terminated() {
        Query query = query(criterion("test", "terminate"));
        var subscriber = traffic.subscribe(B, "terminate", query, position(-1, -1));
        traffic.save(B, "Before", 10, 5, n -> payload("terminate", n));
        subscriber.awaitCount(50, WAIT);
        StreamCollector.await("the publisher has checkpointed the log", WAIT, () -> checkpoint().equals(head()));

        assertThat(terminatePublisherSessions()).as("publisher sessions terminated").isGreaterThanOrEqualTo(1);
        traffic.save(B, "After", 10, 5, n -> payload("terminate", n));
        subscriber.awaitCount(100, WAIT);
        assertThat(globalIds(subscriber.messages())).isEqualTo(globalIds(traffic.all(B, query)));
        StreamCollector.await("the publisher has taken over again and checkpointed everything", WAIT,
                () -> checkpoint().equals(head()));
        subscriber.cancel();
    }

    @Test
    void a_subscriber_that_pauses_longer_than_the_stream_keeps_messages_still_receives_everything() throws Exception {
        Query query = query(criterion("test", "pause"));
        var paused = traffic.subscribe(B, "paused", query, Optional.of(position(-1, -1)), true);
        var reading = traffic.subscribe(B, "reading", query, position(-1, -1));
        // About 1.3 MB: more than the transport buffers, so the server's writes to the paused stream block.
        traffic.save(B, "WhilePaused", 60, 50, n -> payload("pause", n));
        reading.awaitCount(3000, WAIT);
        // Longer than the stream keeps messages: whatever the paused subscriber has not read is gone from NATS.
        Thread.sleep(3000);
        paused.resume();
        traffic.save(B, "AfterResume", 2, 50, n -> payload("pause", n));
        var expected = globalIds(traffic.all(B, query));
        assertThat(expected).hasSize(3100);
        paused.awaitCount(3100, WAIT);
        reading.awaitCount(3100, WAIT);
        assertThat(globalIds(paused.messages())).isEqualTo(expected);
        assertThat(globalIds(reading.messages())).isEqualTo(expected);
        paused.cancel();
        reading.cancel();
    }

    private static Position head() {
        List<io.orisun.proto.Event> last = node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary(B)
                .setCount(1).setDirection(io.orisun.proto.Direction.DESC).build()).getEventsList();
        return last.isEmpty() ? Position.NONE
                : new Position(last.getFirst().getPosition().getTransactionId(), last.getFirst().getPosition().getGlobalId());
    }

    private static Position checkpoint() {
        try (Connection connection = node.database().connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT transaction_id, global_id FROM public.orisun_test_1_orisun_last_published_event_position");
             ResultSet row = statement.executeQuery()) {
            row.next();
            return new Position(row.getLong(1), row.getLong(2));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int terminatePublisherSessions() {
        try (Connection connection = node.database().connect();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                      WHERE datname = current_database() AND application_name LIKE 'orisun-publisher %'""");
             ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
