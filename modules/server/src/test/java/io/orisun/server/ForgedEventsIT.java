package io.orisun.server;

import io.orisun.server.config.NodeSecrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Event;
import io.orisun.proto.Query;
import io.orisun.testsupport.NatsFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that holds valid NATS credentials but not the event key publishes a well-formed event message into a
 * boundary's stream while a gRPC subscriber follows the live feed: the feed drops it, counts it, and the
 * subscriber receives exactly the log.
 */
class ForgedEventsIT {

    private static final String B = "orisun_test_1";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void a_forged_event_message_without_a_valid_mac_never_reaches_a_subscriber_and_is_counted() throws Exception {
        Path dataDir = dir.resolve("data");
        try (TestServer node = TestServer.startWithEmbeddedNats(Map.of(
                "ORISUN_DATA_DIR", dataDir.toString(),
                "ORISUN_NATS_STORE_DIR", dir.resolve("nats").toString(),
                "ORISUN_NATS_PORT", String.valueOf(NatsFixture.freePort())))) {
            EventTraffic traffic = new EventTraffic(node);
            traffic.save(B, "Before", 3, 2, n -> "{\"n\": " + n + "}");
            var subscriber = traffic.subscribe(B, "forgery-watcher", Query.getDefaultInstance(),
                    java.util.Optional.of(EventTraffic.position(-1, -1)), false);
            subscriber.awaitCount(6, WAIT);

            Event last = traffic.all(B, Query.getDefaultInstance()).getLast();
            long tx = last.getPosition().getTransactionId() + 1;
            long gid = last.getPosition().getGlobalId() + 1;
            try (Connection forger = Nats.connect(new Options.Builder()
                    .server(node.server().embeddedNats().orElseThrow().url())
                    .userInfo("orisun", NodeSecrets.of(dataDir).natsPassword())
                    .connectionTimeout(Duration.ofSeconds(5)).build())) {
                Headers headers = new Headers()
                        .put("Orisun-Transaction-Id", Long.toString(tx))
                        .put("Orisun-Global-Id", Long.toString(gid))
                        .put("Orisun-Publisher", "forger")
                        .put("Orisun-Mac", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
                String body = """
                        {"event_id":"forged-1","event_type":"Forged","data":"{\\"amount\\": 1000000}","metadata":"{}",\
                        "position":{"transaction_id":%d,"global_id":%d},"date_created":"2026-01-01T00:00:00Z"}"""
                        .formatted(tx, gid);
                PublishAck ack = forger.jetStream().publish(NatsMessage.builder()
                        .subject("ORISUN_EVENTS___" + B + ".events.log").headers(headers)
                        .data(body.getBytes(StandardCharsets.UTF_8)).build(),
                        PublishOptions.builder().messageId(B + ":forged:" + gid).build());
                assertThat(ack.getSeqno()).as("the forged message is in the stream").isPositive();
            }

            StreamCollector.await("the feed counted the forged message", WAIT,
                    () -> metric(node, "orisun_feed_rejected_messages_total") >= 1);
            traffic.save(B, "After", 2, 2, n -> "{\"n\": " + n + "}");
            subscriber.awaitCount(10, WAIT);
            // Room for a late forged delivery to show up before the comparison.
            Thread.sleep(500);
            subscriber.cancel();

            List<Event> log = traffic.all(B, Query.getDefaultInstance());
            assertThat(log).hasSize(10);
            assertThat(subscriber.messages()).extracting(Event::getEventId)
                    .as("the subscriber received exactly the log").containsExactlyElementsOf(
                            log.stream().map(Event::getEventId).toList())
                    .doesNotContain("forged-1");
            assertThat(EventTraffic.globalIds(subscriber.messages())).containsExactlyElementsOf(EventTraffic.globalIds(log));
            assertThat(subscriber.messages()).extracting(Event::getPosition)
                    .containsExactlyElementsOf(log.stream().map(Event::getPosition).toList());
            assertThat(metric(node, "orisun_feed_rejected_messages_total")).as("dropped messages").isEqualTo(1.0);
        }
    }

    private static double metric(TestServer node, String name) {
        try {
            ServerFoundationIT.HttpAnswer answer = ServerFoundationIT.get(node.adminUrl("/metrics"));
            return new ObservabilityIT.Scrape(answer.body()).valueOrZero(name);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
