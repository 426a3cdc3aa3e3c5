package io.orisun.server;

import static io.orisun.server.EventTraffic.globalIds;
import static io.orisun.server.EventTraffic.position;
import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.proto.Query;
import io.orisun.testsupport.NatsFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Delivery through the gRPC API while NATS, the publisher's PostgreSQL session and stream retention fail it. */
class DeliveryFaultsIT {

    private static final String B = "orisun_test_1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Query ALL = Query.getDefaultInstance();

    private static List<Long> upTo(long last) {
        return LongStream.rangeClosed(0, last).boxed().toList();
    }

    private static String payload(int n) {
        return "{\"n\": " + n + ", \"padding\": \"" + "p".repeat(400) + "\"}";
    }

    @Test
    void subscribers_get_every_event_in_order_when_nats_is_killed_and_restarted_mid_stream() throws Exception {
        try (NatsFixture nats = NatsFixture.start();
             TestServer node = TestServer.start(Map.of("ORISUN_NATS_URL", nats.url()))) {
            EventTraffic traffic = new EventTraffic(node);
            var fromStart = traffic.subscribe(B, "from-start", ALL, position(-1, -1));
            var live = traffic.subscribeLive(B, "live", ALL);
            Thread.sleep(500);
            traffic.save(B, "BeforeKill", 20, 5, DeliveryFaultsIT::payload);
            fromStart.awaitCount(50, WAIT);

            Thread writer = Thread.ofVirtual().start(() -> traffic.save(B, "DuringKill", 40, 5, DeliveryFaultsIT::payload));
            nats.kill();
            Thread.sleep(1500);
            nats.restart();
            writer.join();
            traffic.save(B, "AfterRestart", 20, 5, DeliveryFaultsIT::payload);

            fromStart.awaitCount(400, WAIT);
            live.awaitCount(400, WAIT);
            assertThat(globalIds(fromStart.messages())).isEqualTo(upTo(399));
            assertThat(globalIds(live.messages())).isEqualTo(upTo(399));
            assertThat(fromStart.messages()).isEqualTo(traffic.all(B, ALL));
            fromStart.cancel();
            live.cancel();
        }
    }

    @Test
    void the_publisher_and_subscribers_recover_when_the_listener_session_is_terminated() throws Exception {
        try (TestServer node = TestServer.start()) {
            EventTraffic traffic = new EventTraffic(node);
            var subscriber = traffic.subscribe(B, "s", ALL, position(-1, -1));
            traffic.save(B, "Before", 10, 5, DeliveryFaultsIT::payload);
            subscriber.awaitCount(50, WAIT);
            StreamCollector.await("the publisher has checkpointed the first events", WAIT,
                    () -> checkpoint(node).globalId() == 49);

            assertThat(terminatePublisherSessions(node)).as("publisher sessions terminated").isGreaterThanOrEqualTo(1);
            traffic.save(B, "After", 10, 5, DeliveryFaultsIT::payload);
            subscriber.awaitCount(100, WAIT);
            assertThat(globalIds(subscriber.messages())).isEqualTo(upTo(99));
            StreamCollector.await("the publisher has taken over again and checkpointed everything", WAIT,
                    () -> checkpoint(node).globalId() == 99);
            subscriber.cancel();
        }
    }

    @Test
    void a_subscriber_that_pauses_longer_than_the_stream_keeps_messages_still_receives_everything() throws Exception {
        try (TestServer node = TestServer.start(Map.of("ORISUN_NATS_EVENT_STREAM_MAX_AGE", "2s"))) {
            EventTraffic traffic = new EventTraffic(node);
            var paused = traffic.subscribe(B, "paused", ALL, Optional.of(position(-1, -1)), true);
            var reading = traffic.subscribe(B, "reading", ALL, position(-1, -1));
            // About 1.3 MB: more than the transport buffers, so the server's writes to the paused stream block.
            traffic.save(B, "WhilePaused", 60, 50, DeliveryFaultsIT::payload);
            reading.awaitCount(3000, WAIT);
            Thread.sleep(3000);
            paused.resume();
            traffic.save(B, "AfterResume", 2, 50, DeliveryFaultsIT::payload);
            paused.awaitCount(3100, WAIT);
            assertThat(globalIds(paused.messages())).isEqualTo(upTo(3099));
            reading.awaitCount(3100, WAIT);
            assertThat(globalIds(reading.messages())).isEqualTo(upTo(3099));
            paused.cancel();
            reading.cancel();
        }
    }

    static io.orisun.api.Position checkpoint(TestServer node) {
        try (Connection connection = node.database().connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT transaction_id, global_id FROM public.orisun_test_1_orisun_last_published_event_position");
             ResultSet row = statement.executeQuery()) {
            row.next();
            return new io.orisun.api.Position(row.getLong(1), row.getLong(2));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static int terminatePublisherSessions(TestServer node) {
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
