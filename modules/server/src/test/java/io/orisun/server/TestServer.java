package io.orisun.server;

import io.orisun.server.config.OrisunConfig;
import io.orisun.server.observe.Tracing;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.orisun.proto.AdminGrpc;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.PostgresFixture;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Orisun-J node for tests: started in-process on free ports, against a fresh database on the shared test
 * PostgreSQL and its own nats-server, and reached through a real gRPC channel.
 */
final class TestServer implements AutoCloseable {

    private final OrisunServer server;
    private final ManagedChannel channel;
    private final NatsFixture nats;
    private final PostgresFixture.Database database;
    private final Map<String, String> environment;
    private final Optional<InMemorySpanExporter> spans;

    private TestServer(Map<String, String> environment, NatsFixture nats, PostgresFixture.Database database) {
        this(environment, nats, database, Optional.empty());
    }

    private TestServer(Map<String, String> environment, NatsFixture nats, PostgresFixture.Database database,
                       Optional<InMemorySpanExporter> spans) {
        this.environment = environment;
        this.nats = nats;
        this.database = database;
        this.spans = spans;
        this.server = OrisunServer.start(OrisunConfig.fromEnv(environment),
                spans.map(exporter -> Tracing.exportingTo("orisun-test", exporter)));
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                .usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    /** A node on a new database and a new nats-server, with {@code overrides} on top of the test defaults. */
    static TestServer start(Map<String, String> overrides) {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        NatsFixture nats = NatsFixture.start();
        return new TestServer(environment(database, nats, overrides), nats, database);
    }

    /** A node on a new database that runs its own embedded nats-server, with {@code overrides} on top. */
    static TestServer startWithEmbeddedNats(Map<String, String> overrides) {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        return new TestServer(environment(database, null, overrides), null, database);
    }

    /** A node on an existing database and NATS (not closed with the node), with {@code overrides} on top. */
    static TestServer join(PostgresFixture.Database database, String natsUrl, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(overrides);
        env.putIfAbsent("ORISUN_NATS_URL", natsUrl);
        Map<String, String> full = environment(database, null, Map.of());
        full.remove("ORISUN_NATS_URL");
        full.putAll(env);
        return new TestServer(full, null, database);
    }

    /** A node like {@link #start(Map)} whose spans go to {@link #spans()}. */
    static TestServer startTraced(Map<String, String> overrides) {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        NatsFixture nats = NatsFixture.start();
        return new TestServer(environment(database, nats, overrides), nats, database,
                Optional.of(InMemorySpanExporter.create()));
    }

    static TestServer start() {
        return start(Map.of());
    }

    /** The environment a node on {@code database} and {@code nats} gets. */
    static Map<String, String> environment(PostgresFixture.Database database, NatsFixture nats, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("ORISUN_PG_HOST", database.host());
        env.put("ORISUN_PG_PORT", String.valueOf(database.port()));
        env.put("ORISUN_PG_USER", database.user());
        env.put("ORISUN_PG_PASSWORD", database.password());
        env.put("ORISUN_PG_NAME", database.name());
        if (nats != null) {
            env.put("ORISUN_NATS_URL", nats.url());
        }
        env.put("ORISUN_GRPC_PORT", "0");
        env.put("ORISUN_ADMIN_PORT", "0");
        env.putAll(overrides);
        return env;
    }

    /** A second node on the same database and NATS, as in a cluster. */
    TestServer sibling() {
        return new TestServer(environment, null, database);
    }

    OrisunServer server() {
        return server;
    }

    /** The node's own nats-server; a {@link #sibling()} has none. */
    NatsFixture nats() {
        return nats;
    }

    PostgresFixture.Database database() {
        return database;
    }

    /** The spans the node finished, for a node from {@link #startTraced(Map)}. */
    InMemorySpanExporter spans() {
        return spans.orElseThrow(() -> new IllegalStateException("the node was not started traced"));
    }

    ManagedChannel channel() {
        return channel;
    }

    /** Calls as the default admin ({@code admin}/{@code changeit}) with Basic authentication. */
    EventStoreGrpc.EventStoreBlockingStub eventStore() {
        return EventStoreGrpc.newBlockingStub(channel).withInterceptors(basicAuth("admin", "changeit"))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** Calls as the default admin ({@code admin}/{@code changeit}) with Basic authentication. */
    AdminGrpc.AdminBlockingStub admin() {
        return AdminGrpc.newBlockingStub(channel).withInterceptors(basicAuth("admin", "changeit"))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** A client interceptor that sends {@code authorization: Basic base64(user:password)}. */
    static ClientInterceptor basicAuth(String user, String password) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    String adminUrl(String path) {
        return "http://127.0.0.1:" + server.adminPort() + path;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        if (nats != null) {
            nats.close();
        }
    }
}
