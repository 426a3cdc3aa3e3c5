package io.orisun.server;

import io.orisun.server.config.NodeSecrets;
import io.orisun.server.config.OrisunConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.GetEventsResponse;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.PostgresFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded defaults: PostgreSQL and nats-server started by the node itself, with data kept on disk. */
class EmbeddedDefaultsIT {

    @TempDir
    Path dataDir;

    @Test
    void events_saved_before_a_restart_of_the_embedded_postgres_are_there_after_it() throws Exception {
        Map<String, String> env = Map.of(
                "ORISUN_DATA_DIR", dataDir.resolve("orisun").toString(),
                "ORISUN_NATS_STORE_DIR", dataDir.resolve("nats").toString(),
                "ORISUN_NATS_PORT", String.valueOf(NatsFixture.freePort()),
                "ORISUN_PG_PORT", String.valueOf(NatsFixture.freePort()),
                "ORISUN_GRPC_PORT", "0",
                "ORISUN_ADMIN_PORT", "0");
        try (OrisunServer first = OrisunServer.start(OrisunConfig.fromEnv(env))) {
            assertThat(first.embeddedNats()).as("an embedded nats-server runs").isPresent();
            String natsUrl = first.embeddedNats().orElseThrow().url();
            NatsAuthenticationIT.assertRefusedWithoutCredentials(natsUrl);
            NatsAuthenticationIT.assertWorksWith(natsUrl, "orisun",
                    NodeSecrets.of(dataDir.resolve("orisun")).natsPassword());
            assertThat(first.embeddedPostgres().orElseThrow().startedDirectly()).as("a new data directory").isFalse();
            call(first, stub -> stub.saveEvents(SaveEventsRequest.newBuilder()
                    .setBoundary("orisun_test_1")
                    .addEvents(EventToSave.newBuilder().setEventId("persist-1").setEventType("Persisted")
                            .setData("{\"kept\": true}"))
                    .build()));
        }
        assertThat(Files.exists(dataDir.resolve("orisun/pg/postmaster.pid"))).as("PostgreSQL stopped").isFalse();
        Path binaries = dataDir.resolve("orisun/postgres.binaries");
        assertThat(binaries).as("the first start records the binaries, so the next one runs pg_ctl itself").isRegularFile();
        String recorded = Files.readString(binaries);
        // The warm start: PostgreSQL and nats-server start side by side, and the boundaries' schemas are found at
        // the newest version without a Flyway run. Once it returns, the node must be ready and serve saves.
        try (OrisunServer second = OrisunServer.start(OrisunConfig.fromEnv(env))) {
            assertThat(second.ready()).as("ready as soon as start returns").isTrue();
            assertThat(second.embeddedPostgres().orElseThrow().startedDirectly()).as("pg_ctl run directly").isTrue();
            GetEventsResponse events = call(second, stub -> stub.getEvents(GetEventsRequest.newBuilder()
                    .setBoundary("orisun_test_1").setCount(10).build()));
            assertThat(events.getEventsList()).singleElement()
                    .satisfies(e -> assertThat(e.getEventId()).isEqualTo("persist-1"))
                    .satisfies(e -> assertThat(e.getData()).isEqualTo("{\"kept\": true}"));
            for (String boundary : new String[] {"orisun_test_1", "orisun_test_2"}) {
                call(second, stub -> stub.saveEvents(SaveEventsRequest.newBuilder()
                        .setBoundary(boundary)
                        .addEvents(EventToSave.newBuilder().setEventId("after-restart-" + boundary)
                                .setEventType("Persisted").setData("{}"))
                        .build()));
            }
            assertThat(call(second, stub -> stub.getEvents(GetEventsRequest.newBuilder()
                    .setBoundary("orisun_test_1").setCount(10).build())).getEventsList())
                    .extracting(io.orisun.proto.Event::getEventId).containsExactly("persist-1", "after-restart-orisun_test_1");
        }
        assertThat(Files.exists(dataDir.resolve("orisun/pg/postmaster.pid"))).as("PostgreSQL stopped again").isFalse();

        // Recorded binaries that have gone (a cleaned temporary directory): the library's start takes over.
        Files.writeString(binaries, dataDir.resolve("no-such-binaries/bin").toString());
        try (OrisunServer third = OrisunServer.start(OrisunConfig.fromEnv(env))) {
            assertThat(third.embeddedPostgres().orElseThrow().startedDirectly()).isFalse();
            assertThat(call(third, stub -> stub.getEvents(GetEventsRequest.newBuilder()
                    .setBoundary("orisun_test_1").setCount(10).build())).getEventsList()).hasSize(2);
        }
        assertThat(Files.readString(binaries)).as("recorded again").isEqualTo(recorded);
    }

    @Test
    void a_warm_start_on_a_port_another_postgres_holds_fails_rather_than_use_that_server() throws Exception {
        PostgresFixture other = PostgresFixture.shared();
        assumeTrue("embedded".equals(other.kind()), "needs the tests' own PostgreSQL on this machine");
        Map<String, String> env = new HashMap<>(Map.of(
                "ORISUN_DATA_DIR", dataDir.resolve("orisun").toString(),
                "ORISUN_NATS_STORE_DIR", dataDir.resolve("nats").toString(),
                "ORISUN_NATS_PORT", String.valueOf(NatsFixture.freePort()),
                "ORISUN_PG_PORT", String.valueOf(NatsFixture.freePort()),
                "ORISUN_GRPC_PORT", "0",
                "ORISUN_ADMIN_PORT", "0"));
        OrisunServer.start(OrisunConfig.fromEnv(env)).close();
        env.put("ORISUN_PG_PORT", String.valueOf(other.port()));

        assertThatThrownBy(() -> OrisunServer.start(OrisunConfig.fromEnv(env)).close())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("did not answer on port " + other.port());
        assertThat(Files.exists(dataDir.resolve("orisun/pg/postmaster.pid"))).as("no postmaster left").isFalse();
    }

    @Test
    void when_postgres_cannot_start_the_nats_server_started_beside_it_is_stopped_too() throws Exception {
        // A file where PostgreSQL's data directory should be: PostgreSQL fails at once, while nats-server starts.
        Files.createDirectories(dataDir.resolve("orisun"));
        Files.writeString(dataDir.resolve("orisun/pg"), "not a directory");
        Path natsStore = dataDir.resolve("nats");
        Map<String, String> env = Map.of(
                "ORISUN_DATA_DIR", dataDir.resolve("orisun").toString(),
                "ORISUN_NATS_STORE_DIR", natsStore.toString(),
                "ORISUN_NATS_PORT", String.valueOf(NatsFixture.freePort()),
                "ORISUN_PG_PORT", String.valueOf(NatsFixture.freePort()),
                "ORISUN_GRPC_PORT", "0",
                "ORISUN_ADMIN_PORT", "0");

        assertThatThrownBy(() -> OrisunServer.start(OrisunConfig.fromEnv(env)).close())
                .as("start-up fails").isInstanceOf(RuntimeException.class);

        assertThat(ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(natsStore.toString())).orElse(false))
                .filter(ProcessHandle::isAlive)
                .toList()).as("nats-server processes left running").isEmpty();
    }

    private static <T> T call(OrisunServer server, java.util.function.Function<EventStoreGrpc.EventStoreBlockingStub, T> rpc)
            throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        try {
            return rpc.apply(EventStoreGrpc.newBlockingStub(channel).withInterceptors(TestServer.basicAuth("admin", "changeit"))
                    .withDeadlineAfter(30, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
