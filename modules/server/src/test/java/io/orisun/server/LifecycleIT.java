package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Event;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.EventToSave;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.PostgresFixture;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A node in its own JVM, as operators run it: JSON log lines with the start-up banner and no secrets, and a
 * SIGTERM during concurrent saves and an open subscription. The node must exit 0, end the stream with
 * UNAVAILABLE, and every save it acknowledged must be in the log (saves it refused must not be half-done).
 */
class LifecycleIT {

    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final String ADMIN_SECRET = "an-admin-secret-never-logged";
    private static final int WRITERS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sigterm_during_saves_exits_0_keeps_every_acknowledged_save_and_ends_streams_with_unavailable()
            throws Exception {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        int grpcPort = NatsFixture.freePort();
        int adminPort = NatsFixture.freePort();
        Map<String, String> overrides = new HashMap<>();
        overrides.put("ORISUN_GRPC_PORT", String.valueOf(grpcPort));
        overrides.put("ORISUN_ADMIN_PORT", String.valueOf(adminPort));
        overrides.put("ORISUN_LOG_FORMAT", "json");
        overrides.put("ORISUN_LOGGING_LEVEL", "INFO");
        overrides.put("ORISUN_ADMIN_PASSWORD", ADMIN_SECRET);
        overrides.put("ORISUN_PG_SCHEMAS", "life_a:public,orisun_admin:admin");
        try (NatsFixture nats = NatsFixture.start();
             ChildNode node = ChildNode.start(TestServer.environment(database, nats, overrides))) {
            StreamCollector.await("the child node is ready", STARTUP, () -> {
                assertThat(node.alive()).as("child node runs; output:%n%s", node.output()).isTrue();
                try {
                    return ServerFoundationIT.get("http://127.0.0.1:" + adminPort + "/health/ready").code() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
            try {
                EventStoreGrpc.EventStoreBlockingStub store = EventStoreGrpc.newBlockingStub(channel)
                        .withInterceptors(TestServer.basicAuth("admin", ADMIN_SECRET));
                StreamCollector<CatchUpSubscribeToEventStoreRequest, Event> stream = StreamCollector.reading();
                EventStoreGrpc.newStub(channel).withInterceptors(TestServer.basicAuth("admin", ADMIN_SECRET))
                        .catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest.newBuilder()
                                .setBoundary("life_a").setSubscriberName("until-sigterm").build(), stream);

                Set<String> acknowledged = ConcurrentHashMap.newKeySet();
                Map<Status.Code, Integer> refusals = new ConcurrentHashMap<>();
                AtomicBoolean stopping = new AtomicBoolean();
                CyclicBarrier go = new CyclicBarrier(WRITERS);
                List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    writers.add(Thread.ofVirtual().start(() -> {
                        try {
                            go.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        // Keep saving until the node is gone: the last saves race with the shutdown.
                        int refusedInARow = 0;
                        while (refusedInARow < 3) {
                            String id = UUID.randomUUID().toString();
                            try {
                                store.withDeadlineAfter(30, TimeUnit.SECONDS).saveEvents(SaveEventsRequest.newBuilder()
                                        .setBoundary("life_a").addEvents(EventToSave.newBuilder().setEventId(id)
                                                .setEventType("Saved").setData("{}")).build());
                                acknowledged.add(id);
                                refusedInARow = 0;
                            } catch (StatusRuntimeException e) {
                                refusals.merge(e.getStatus().getCode(), 1, Integer::sum);
                                refusedInARow = stopping.get() ? refusedInARow + 1 : 0;
                            }
                        }
                    }));
                }
                StreamCollector.await("some saves are acknowledged", STARTUP, () -> acknowledged.size() >= 50);
                stream.awaitCount(1, STARTUP);
                stopping.set(true);
                int exit = node.terminate(Duration.ofSeconds(60));
                for (Thread writer : writers) {
                    writer.join(Duration.ofSeconds(120));
                }
                String output = node.output();
                assertThat(exit).as("exit code after SIGTERM; output:%n%s", output).isZero();
                assertThat(stream.awaitError(Duration.ofSeconds(30)).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(refusals.keySet()).as("how saves were refused").isSubsetOf(Status.Code.UNAVAILABLE);
                assertThat(eventIds(database)).as("every acknowledged save is in the log")
                        .containsAll(acknowledged);

                List<JsonNode> lines = new ArrayList<>();
                for (String line : output.lines().filter(l -> !l.isBlank()).toList()) {
                    if (line.startsWith("WARNING:")) {
                        continue; // the JVM's own warnings (sun.misc.Unsafe) bypass the logging system
                    }
                    lines.add(JSON.readTree(line));
                }
                assertThat(lines).as("JSON log lines").allSatisfy(l -> assertThat(l.has("time") && l.has("level")
                        && l.has("logger") && l.has("message")).isTrue());
                assertThat(lines).filteredOn(l -> l.get("message").asText().contains(" starting\n")).hasSize(1)
                        .allSatisfy(l -> assertThat(l.get("message").asText()).contains("gRPC        port " + grpcPort,
                                "boundaries  ", "log INFO as json"));
                assertThat(lines).as("the last line, written after everything stopped")
                        .last().satisfies(l -> assertThat(l.get("message").asText()).isEqualTo("stopped"));
                assertThat(output).as("the administrator's password is never logged").doesNotContain(ADMIN_SECRET);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static Set<String> eventIds(PostgresFixture.Database database) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT event_id FROM public.life_a_orisun_es_event")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
