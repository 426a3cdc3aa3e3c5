package io.orisun.client;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.orisun.proto.AdminGrpc;
import io.orisun.server.config.OrisunConfig;
import io.orisun.server.OrisunServer;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Orisun-J node for the client's tests: started in process on free ports against a fresh database on the
 * shared test PostgreSQL and its own nats-server. It can be restarted on the same port, and can start siblings
 * (more nodes on the same database and NATS).
 */
final class ClientTestServer implements AutoCloseable {

    static final String BOUNDARY = "orisun_test_1";

    private final Map<String, String> environment;
    private final NatsFixture nats;
    private final PostgresFixture.Database database;
    private OrisunServer server;
    private int port;

    private ClientTestServer(Map<String, String> environment, NatsFixture nats, PostgresFixture.Database database) {
        this.environment = environment;
        this.nats = nats;
        this.database = database;
        this.server = OrisunServer.start(OrisunConfig.fromEnv(environment));
        this.port = server.grpcPort();
    }

    /** A node on a new database and a new nats-server, with {@code overrides} on top of the test defaults. */
    static ClientTestServer start(Map<String, String> overrides) {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        NatsFixture nats = NatsFixture.start();
        Map<String, String> env = new HashMap<>();
        env.put("ORISUN_PG_HOST", database.host());
        env.put("ORISUN_PG_PORT", String.valueOf(database.port()));
        env.put("ORISUN_PG_USER", database.user());
        env.put("ORISUN_PG_PASSWORD", database.password());
        env.put("ORISUN_PG_NAME", database.name());
        env.put("ORISUN_NATS_URL", nats.url());
        env.put("ORISUN_GRPC_PORT", "0");
        env.put("ORISUN_ADMIN_PORT", "0");
        env.putAll(overrides);
        return new ClientTestServer(env, nats, database);
    }

    static ClientTestServer start() {
        return start(Map.of());
    }

    /** Another node on the same database and NATS, on its own free port. */
    ClientTestServer sibling() {
        return new ClientTestServer(environment, null, database);
    }

    int port() {
        return port;
    }

    String nodeId() {
        return server.nodeId();
    }

    PostgresFixture.Database database() {
        return database;
    }

    /** A client builder for this node, as the default admin. */
    OrisunClient.Builder client() {
        return OrisunClient.builder().target("127.0.0.1", port).credentials("admin", "changeit");
    }

    /** Stops the node, then starts it again on the same port, database and NATS. */
    synchronized void restart() {
        server.close();
        Map<String, String> samePort = new HashMap<>(environment);
        samePort.put("ORISUN_GRPC_PORT", String.valueOf(port));
        server = OrisunServer.start(OrisunConfig.fromEnv(samePort));
    }

    /** Calls the Admin service directly, with Basic credentials {@code user}/{@code password}. */
    <T> T admin(String user, String password, java.util.function.Function<AdminGrpc.AdminBlockingStub, T> call) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Basic "
                    + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            return call.apply(AdminGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(30, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow();
        }
    }

    @Override
    public synchronized void close() {
        server.close();
        if (nats != null) {
            nats.close();
        }
    }
}
