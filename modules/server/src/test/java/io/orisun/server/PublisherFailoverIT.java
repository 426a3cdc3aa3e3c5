package io.orisun.server;

import static io.orisun.server.EventTraffic.globalIds;
import static io.orisun.server.EventTraffic.position;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PushSubscribeOptions;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.EventToSave;
import io.orisun.api.SaveRequest;
import io.orisun.ccc.BoundarySchema;
import io.orisun.ccc.GroupCommitSettings;
import io.orisun.ccc.PgEventLog;
import io.orisun.proto.Query;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.PostgresFixture;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Publisher leadership and crash recovery with real processes: a node runs in a child JVM and is killed with
 * SIGKILL, while another node (in this JVM) shares its PostgreSQL database and NATS server.
 */
class PublisherFailoverIT {

    private static final String B = "orisun_test_1";
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final System.Logger LOG = System.getLogger(PublisherFailoverIT.class.getName());

    private static List<Long> upTo(long last) {
        return LongStream.rangeClosed(0, last).boxed().toList();
    }

    private static Map<String, String> environment(PostgresFixture.Database database, NatsFixture nats, String nodeId,
                                                   Map<String, String> extra) {
        Map<String, String> overrides = new java.util.HashMap<>(extra);
        overrides.put("ORISUN_NODE_ID", nodeId);
        overrides.put("ORISUN_GRPC_PORT", String.valueOf(NatsFixture.freePort()));
        overrides.put("ORISUN_ADMIN_PORT", String.valueOf(NatsFixture.freePort()));
        return TestServer.environment(database, nats, overrides);
    }

    private static TestServer inProcessNode(PostgresFixture.Database database, NatsFixture nats, String nodeId) {
        return TestServer.start(Map.of("ORISUN_PG_NAME", database.name(), "ORISUN_NATS_URL", nats.url(),
                "ORISUN_NODE_ID", nodeId));
    }

    @Test
    void exactly_one_node_publishes_and_another_takes_over_without_a_gap_when_the_holder_is_killed() throws Exception {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        try (NatsFixture nats = NatsFixture.start();
             ChildNode nodeA = ChildNode.start(environment(database, nats, "node-a", Map.of()))) {
            StreamCollector.await("node-a publishes " + B, STARTUP, () -> {
                assertThat(nodeA.alive()).as("node-a runs; output:%n%s", nodeA.output()).isTrue();
                return PublisherLeases.holders(database, B).equals(List.of("node-a"));
            });
            try (TestServer nodeB = inProcessNode(database, nats, "node-b")) {
                EventTraffic traffic = new EventTraffic(nodeB);
                var subscriber = traffic.subscribe(B, "failover", Query.getDefaultInstance(), position(-1, -1));
                Thread writer = Thread.ofVirtual().start(() -> traffic.save(B, "Failover", 200, 5, n -> "{\"n\": " + n + "}"));
                StreamCollector.await("node-a has published some events", WAIT, () -> checkpoint(database) >= 100);
                assertThat(PublisherLeases.holders(database, B)).as("lease holders while both run").containsExactly("node-a");

                long killed = System.nanoTime();
                nodeA.kill();
                StreamCollector.await("node-b takes the lease", WAIT,
                        () -> PublisherLeases.holders(database, B).equals(List.of("node-b")));
                LOG.log(System.Logger.Level.INFO, "node-b took over {0} ms after node-a was killed",
                        Duration.ofNanos(System.nanoTime() - killed).toMillis());

                writer.join();
                StreamCollector.await("node-b has published everything", WAIT, () -> checkpoint(database) == 999);
                subscriber.awaitCount(1000, WAIT);
                assertThat(globalIds(subscriber.messages())).isEqualTo(upTo(999));
                assertThat(streamGlobalIds(nats)).as("the stream after the takeover").isEqualTo(upTo(999));
                assertThat(PublisherLeases.holders(database, B)).containsExactly("node-b");
                subscriber.cancel();
            }
        }
    }

    @Test
    void after_a_crash_mid_drain_publishing_resumes_from_the_checkpoint_and_the_stream_is_never_behind_it()
            throws Exception {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        int events = 20_000;
        int batch = 100;
        writeDirectly(database, events);
        try (NatsFixture nats = NatsFixture.start()) {
            long atKill;
            try (ChildNode nodeA = ChildNode.start(environment(database, nats, "node-a",
                    Map.of("ORISUN_POLLING_PUBLISHER_BATCH_SIZE", String.valueOf(batch))))) {
                StreamCollector.await("node-a is draining the log", STARTUP, () -> {
                    assertThat(nodeA.alive()).as("node-a runs; output:%n%s", nodeA.output()).isTrue();
                    return checkpoint(database) >= 2000;
                });
                nodeA.kill();
                atKill = checkpoint(database);
            }
            assertThat(atKill).as("killed in the middle of the drain").isLessThan(events - 1);
            assertThat((atKill + 1) % batch).as("checkpoint %d is at the end of a batch", atKill).isZero();
            List<Long> streamAtKill = streamGlobalIds(nats);
            assertThat(streamAtKill.size()).as("the stream holds at least everything up to the checkpoint")
                    .isGreaterThan((int) atKill);
            assertThat(streamAtKill).isEqualTo(upTo(streamAtKill.size() - 1));

            try (TestServer nodeB = inProcessNode(database, nats, "node-b")) {
                StreamCollector.await("node-b drains the rest", WAIT, () -> checkpoint(database) == events - 1);
                assertThat(streamGlobalIds(nats)).as("the stream after the restart").isEqualTo(upTo(events - 1));
                var subscriber = new EventTraffic(nodeB).subscribe(B, "replay", Query.getDefaultInstance(), position(0, 0));
                subscriber.awaitCount(events, WAIT);
                assertThat(globalIds(subscriber.messages())).isEqualTo(upTo(events - 1));
                subscriber.cancel();
            }
        }
    }

    private static void writeDirectly(PostgresFixture.Database database, int events) {
        BoundarySpec boundary = new BoundarySpec(B, "public", "");
        try (HikariDataSource pool = database.pool(4);
             PgEventLog log = new PgEventLog(pool, pool, List.of(boundary), GroupCommitSettings.DEFAULTS)) {
            BoundarySchema.apply(pool, boundary);
            for (int save = 0; save < events / 1000; save++) {
                List<EventToSave> batch = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    batch.add(new EventToSave("e" + save + "-" + i, "Backlog", "{\"n\": " + i + "}", "{}"));
                }
                log.save(new SaveRequest(B, AppendCondition.none(), batch));
            }
        }
    }

    private static long checkpoint(PostgresFixture.Database database) {
        try (var connection = database.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT global_id FROM public.orisun_test_1_orisun_last_published_event_position");
             ResultSet row = statement.executeQuery()) {
            return row.next() ? row.getLong(1) : -1;
        } catch (SQLException e) {
            // Before the node has migrated the boundary, there is no checkpoint yet.
            return -1;
        }
    }

    private static List<Long> streamGlobalIds(NatsFixture nats) throws Exception {
        String stream = "ORISUN_EVENTS___" + B;
        try (Connection connection = Nats.connect(nats.url())) {
            long count = connection.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
            JetStreamSubscription subscription = connection.jetStream().subscribe(stream + ".events.>",
                    PushSubscribeOptions.builder().stream(stream).ordered(true).build());
            List<Long> ids = new ArrayList<>();
            for (long received = 0; received < count; received++) {
                Message message = subscription.nextMessage(Duration.ofSeconds(10));
                assertThat(message).as("message %d of %d", received + 1, count).isNotNull();
                ids.addAll(StreamMessageIds.of(message));
            }
            return ids;
        }
    }
}
