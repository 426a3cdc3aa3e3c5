package io.orisun.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.orisun.proto.ChangePasswordRequest;
import io.orisun.proto.CreateUserRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication, token reuse and renewal, TLS and mutual TLS, and load balancing over several nodes. */
class ClientConnectionIT {

    private static ClientTestServer server;

    @BeforeAll
    static void start() {
        server = ClientTestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void the_client_reuses_the_servers_token_and_logs_in_again_after_the_token_is_revoked() {
        {
            String userId = server.admin("admin", "changeit", admin -> admin.createUser(CreateUserRequest.newBuilder()
                    .setName("Billing").setUsername("billing").setPassword("first-pw").addRoles("OPERATIONS").build()))
                    .getUser().getUserId();
            try (OrisunClient client = OrisunClient.builder().target("127.0.0.1", server.port())
                    .credentials("billing", "first-pw").build()) {
                assertThat(client.auth().token()).as("no token before the first call").isEmpty();
                client.ping();
                String first = client.auth().token().orElseThrow();
                client.append(ClientTestServer.BOUNDARY, List.of(EventToSave.of("Noted", "{\"n\": 1}")));
                assertThat(client.auth().token()).as("the token is reused, not replaced by a new login")
                        .contains(first);

                // Changing the password away and back revokes every token issued before, while the client's
                // password is valid again.
                server.admin("billing", "first-pw", admin -> admin.changePassword(ChangePasswordRequest.newBuilder()
                        .setUserId(userId).setCurrentPassword("first-pw").setNewPassword("second-pw").build()));
                server.admin("billing", "second-pw", admin -> admin.changePassword(ChangePasswordRequest.newBuilder()
                        .setUserId(userId).setCurrentPassword("second-pw").setNewPassword("first-pw").build()));

                Position written = client.append(ClientTestServer.BOUNDARY, List.of(EventToSave.of("Noted", "{\"n\": 2}")));
                assertThat(written.globalId()).isGreaterThanOrEqualTo(0);
                assertThat(client.auth().token()).as("a new token after logging in again").isPresent()
                        .get().isNotEqualTo(first);
            }
        }
    }

    @Test
    void refusals_are_reported_with_their_status_codes() {
        try (OrisunClient admin = server.client().build();
             OrisunClient wrong = OrisunClient.builder().target("127.0.0.1", server.port())
                     .credentials("admin", "not-the-password").build()) {
            assertThatThrownBy(wrong::ping).isInstanceOfSatisfying(OrisunClientException.class,
                    e -> assertThat(e.code()).isEqualTo(Status.Code.UNAUTHENTICATED));
            assertThatThrownBy(() -> admin.append("orisun_admin", List.of(EventToSave.of("Forged", "{}"))))
                    .as("the admin boundary is written only by the server")
                    .isInstanceOfSatisfying(OrisunClientException.class,
                            e -> assertThat(e.code()).isEqualTo(Status.Code.PERMISSION_DENIED));
            assertThatThrownBy(() -> admin.read("no_such_boundary", Query.all()))
                    .isInstanceOfSatisfying(OrisunClientException.class,
                            e -> assertThat(e.code()).isIn(Status.Code.NOT_FOUND, Status.Code.INVALID_ARGUMENT));
        }
    }

    @Test
    void a_conflict_carries_the_expected_and_the_actual_position() {
        try (OrisunClient client = server.client().build()) {
            Query context = Query.of("order_id", "o-" + System.nanoTime());
            String id = context.criteria().getFirst().tags().getFirst().value();
            Position first = client.append(ClientTestServer.BOUNDARY, context, Position.NONE,
                    List.of(EventToSave.of("OrderPlaced", "{\"order_id\": \"" + id + "\"}")));
            assertThatThrownBy(() -> client.append(ClientTestServer.BOUNDARY, context, Position.NONE,
                    List.of(EventToSave.of("OrderPlaced", "{\"order_id\": \"" + id + "\"}"))))
                    .isInstanceOfSatisfying(ContextChangedException.class, e -> {
                        assertThat(e.expected()).isEqualTo(Position.NONE);
                        assertThat(e.actual()).isEqualTo(first);
                    });
        }
    }

    @Test
    void calls_are_spread_over_every_target() {
        try (ClientTestServer second = server.sibling();
             OrisunClient client = OrisunClient.builder()
                     .targets("127.0.0.1:" + server.port(), "localhost:" + second.port())
                     .credentials("admin", "changeit").build()) {
            Set<String> nodes = new HashSet<>();
            // Round robin uses a target once its connection is ready; the second may connect a little later.
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (nodes.size() < 2 && System.nanoTime() - giveUp < 0) {
                nodes.add(client.serverInfo().nodeId());
            }
            assertThat(nodes).containsExactlyInAnyOrder(server.nodeId(), second.nodeId());
        }
    }

    @Test
    void with_mutual_tls_a_client_with_a_certificate_gets_in_and_one_without_does_not(@TempDir Path dir)
            throws Exception {
        Certificates certificates = Certificates.create(dir);
        try (ClientTestServer tlsServer = ClientTestServer.start(Map.of(
                "ORISUN_GRPC_TLS_ENABLED", "true",
                "ORISUN_GRPC_TLS_CERT_FILE", dir.resolve("server.pem").toString(),
                "ORISUN_GRPC_TLS_KEY_FILE", dir.resolve("server.key").toString(),
                "ORISUN_GRPC_TLS_CA_FILE", dir.resolve("ca.pem").toString(),
                "ORISUN_GRPC_TLS_CLIENT_AUTH_REQUIRED", "true"))) {
            try (OrisunClient client = OrisunClient.builder().target("localhost", tlsServer.port())
                    .credentials("admin", "changeit").tls(dir.resolve("ca.pem"))
                    .clientCertificate(dir.resolve("client.pem"), dir.resolve("client.key")).build()) {
                assertThat(client.serverInfo().nodeId()).isEqualTo(tlsServer.nodeId());
            }
            try (OrisunClient anonymous = OrisunClient.builder().target("localhost", tlsServer.port())
                    .credentials("admin", "changeit").tls(dir.resolve("ca.pem"))
                    .deadline(Duration.ofSeconds(3)).reconnectTimeout(Duration.ofSeconds(1)).build()) {
                assertThatThrownBy(anonymous::ping).isInstanceOf(OrisunClientException.class);
            }
        }
        assertThat(certificates).isNotNull();
    }

    /** A CA, a server certificate for localhost and a client certificate, made with openssl at test time. */
    private record Certificates(Path dir) {
        static Certificates create(Path dir) throws IOException, InterruptedException {
            Certificates certificates = new Certificates(dir);
            certificates.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=client test CA");
            certificates.leaf("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                    + "extendedKeyUsage=serverAuth\n");
            certificates.leaf("client", "client-test", "extendedKeyUsage=clientAuth\n");
            return certificates;
        }

        private void leaf(String name, String commonName, String extensions) throws IOException, InterruptedException {
            Files.writeString(dir.resolve(name + ".ext"), extensions);
            openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                    "-out", name + ".csr", "-subj", "/CN=" + commonName);
            openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
        }

        private void openssl(String... arguments) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("openssl"));
            command.addAll(List.of(arguments));
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        }
    }
}
