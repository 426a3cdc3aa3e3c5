package io.orisun.server;

import io.orisun.server.config.OrisunConfig;

import static io.orisun.server.ClientAuth.code;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.PingRequest;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.PostgresFixture;
import io.orisun.testsupport.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the gRPC listener, with certificates made at test time: server-only TLS, mutual TLS, and refusal of
 * plain text, of a server the client does not trust, and of missing or foreign client certificates.
 */
class TlsIT {

    @TempDir
    static Path dir;
    private static TestCertificates certificates;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() {
        certificates = TestCertificates.create(dir).withForeignAuthority("foreign");
    }

    @AfterEach
    void closeChannels() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private Map<String, String> tls(boolean clientAuth) {
        return Map.of("ORISUN_GRPC_TLS_ENABLED", "true",
                "ORISUN_GRPC_TLS_CERT_FILE", certificates.cert("server").toString(),
                "ORISUN_GRPC_TLS_KEY_FILE", certificates.key("server").toString(),
                "ORISUN_GRPC_TLS_CA_FILE", certificates.cert("ca").toString(),
                "ORISUN_GRPC_TLS_CLIENT_AUTH_REQUIRED", String.valueOf(clientAuth));
    }

    private Status.Code ping(TestServer node, ChannelCredentials credentials) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", node.server().grpcPort(), credentials).build();
        channels.add(channel);
        return code(() -> EventStoreGrpc.newBlockingStub(channel).withInterceptors(TestServer.basicAuth("admin", "changeit"))
                .withDeadlineAfter(30, TimeUnit.SECONDS).ping(PingRequest.getDefaultInstance()));
    }

    /**
     * A plain-text client gets the server's TLS alert where it expects HTTP/2 frames, which grpc-java reports as
     * INTERNAL ("First received frame was not SETTINGS"); either way the call never reaches the service.
     */
    private static void assertRefusesPlainText(TestServer node) {
        Status status = ClientAuth.status(() -> node.eventStore().ping(PingRequest.getDefaultInstance()));
        assertThat(status.getCode()).as("plain text: %s", status).isIn(Status.Code.UNAVAILABLE, Status.Code.INTERNAL);
    }

    private static ChannelCredentials trusting(String authority) throws IOException {
        return TlsChannelCredentials.newBuilder().trustManager(certificates.cert(authority).toFile()).build();
    }

    private static ChannelCredentials presenting(String client, String trustedAuthority) throws IOException {
        return TlsChannelCredentials.newBuilder().trustManager(certificates.cert(trustedAuthority).toFile())
                .keyManager(certificates.cert(client).toFile(), certificates.key(client).toFile()).build();
    }

    @Test
    void with_server_tls_a_trusting_client_gets_in_and_plain_text_or_an_untrusting_client_does_not() throws Exception {
        try (TestServer node = TestServer.start(tls(false))) {
            assertThat(ping(node, trusting("ca"))).isEqualTo(Status.Code.OK);
            assertRefusesPlainText(node);
            assertThat(ping(node, trusting("foreign"))).as("a client that does not trust the server's CA")
                    .isEqualTo(Status.Code.UNAVAILABLE);
        }
    }

    @Test
    void with_mutual_tls_only_a_client_certificate_from_the_configured_ca_gets_in() throws Exception {
        try (TestServer node = TestServer.start(tls(true))) {
            assertThat(ping(node, presenting("client", "ca"))).isEqualTo(Status.Code.OK);
            assertThat(ping(node, trusting("ca"))).as("no client certificate").isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(ping(node, presenting("foreign-client", "ca"))).as("a certificate of another CA")
                    .isEqualTo(Status.Code.UNAVAILABLE);
            assertRefusesPlainText(node);
        }
    }

    @Test
    void an_unusable_key_file_stops_start_up_with_a_message_naming_it() throws Exception {
        Path garbage = Files.writeString(dir.resolve("not-a-key.pem"), "-----BEGIN NOTHING-----\nAAAA\n-----END NOTHING-----\n");
        try (NatsFixture nats = NatsFixture.start()) {
            Map<String, String> env = new java.util.HashMap<>(TestServer.environment(PostgresFixture.shared().newDatabase(),
                    nats, tls(false)));
            env.put("ORISUN_GRPC_TLS_KEY_FILE", garbage.toString());
            assertThatThrownBy(() -> OrisunServer.start(OrisunConfig.fromEnv(env)).close())
                    .hasMessageContaining("ORISUN_GRPC_TLS_KEY_FILE=" + garbage);
        }
    }
}
