package io.orisun.server;

import io.orisun.server.config.NatsConfig;
import io.orisun.server.config.NodeSecrets;
import io.orisun.server.config.OrisunConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.orisun.embedded.EmbeddedNats;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded nats-server admits only the node's user: a client without the credentials is refused, single node
 * or clustered, and the generated credentials stay private to the data directory's owner.
 */
class NatsAuthenticationIT {

    @TempDir
    Path dir;

    @Test
    void a_single_nodes_nats_server_refuses_a_client_without_the_generated_credentials() throws Exception {
        Path dataDir = dir.resolve("data");
        NatsConfig nats = OrisunConfig.fromEnv(Map.of(
                "ORISUN_DATA_DIR", dataDir.toString(),
                "ORISUN_NATS_STORE_DIR", dir.resolve("nats").toString(),
                "ORISUN_NATS_PORT", String.valueOf(NatsFixture.freePort()))).nats();
        NodeSecrets secrets = NodeSecrets.of(dataDir);
        assertThat(NodeSecrets.of(dataDir)).as("generated once per data directory").isEqualTo(secrets);
        assertThat(Files.getPosixFilePermissions(dataDir.resolve(NodeSecrets.FILE_NAME)))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        try (EmbeddedNats server = EmbeddedNats.start(EmbeddedNatsSettings.of(nats, secrets.natsPassword()))) {
            assertThat(Files.getPosixFilePermissions(dir.resolve("nats/nats-server.conf")))
                    .as("the configuration holds the password").isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertRefusedWithoutCredentials(server.url());
            assertRefused(server.url(), "orisun", "not-the-password");
            assertWorksWith(server.url(), "orisun", secrets.natsPassword());
        }
    }

    @Test
    void every_clustered_nats_server_refuses_a_client_without_the_configured_credentials() throws Exception {
        withTwoClusteredServers(Map.of(), servers -> {
            for (EmbeddedNats server : servers) {
                assertRefusedWithoutCredentials(server.url());
                assertWorksWith(server.url(), "orisun", "cluster-client-secret");
            }
        });
    }

    @Test
    void clustered_nats_servers_with_tls_route_to_each_other_and_refuse_clients_without_tls() throws Exception {
        TestCertificates certificates = TestCertificates.create(dir).withNatsServer();
        Optional<SSLContext> tls = Optional.of(NatsClient.trusting(certificates.cert("ca")));
        withTwoClusteredServers(Map.of(
                "ORISUN_NATS_TLS_CERT_FILE", certificates.cert("nats").toString(),
                "ORISUN_NATS_TLS_KEY_FILE", certificates.key("nats").toString(),
                "ORISUN_NATS_TLS_CA_FILE", certificates.cert("ca").toString()), servers -> {
            for (EmbeddedNats server : servers) {
                assertRefusedWithoutCredentials(server.url(), tls);
                assertRefusedWithoutTls(server.url(), "orisun", "cluster-client-secret");
                assertWorksWith(server.url(), "orisun", "cluster-client-secret", tls);
            }
            // A message crosses the TLS route from one server to the other.
            try (Connection receiver = connect(withTls(new Options.Builder().server(servers.get(1).url())
                    .userInfo("orisun", "cluster-client-secret"), tls));
                 Connection sender = connect(withTls(new Options.Builder().server(servers.get(0).url())
                         .userInfo("orisun", "cluster-client-secret"), tls))) {
                io.nats.client.Subscription subscription = receiver.subscribe("route.check");
                receiver.flush(Duration.ofSeconds(5));
                io.nats.client.Message received = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (received == null && System.nanoTime() < deadline) {
                    sender.publish("route.check", "over the route".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    received = subscription.nextMessage(Duration.ofMillis(500));
                }
                assertThat(received).as("a message routed between the servers").isNotNull();
            }
        });
    }

    private interface ServersCheck {
        void check(List<EmbeddedNats> servers) throws Exception;
    }

    private void withTwoClusteredServers(Map<String, String> extra, ServersCheck check) throws Exception {
        int[] clusterPorts = {NatsFixture.freePort(), NatsFixture.freePort()};
        List<EmbeddedNats> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Map<String, String> env = new HashMap<>();
                env.put("ORISUN_DATA_DIR", dir.resolve("data-" + i).toString());
                env.put("ORISUN_NATS_STORE_DIR", dir.resolve("nats-" + i).toString());
                env.put("ORISUN_NATS_SERVER_NAME", "auth-" + i);
                env.put("ORISUN_NATS_PORT", String.valueOf(NatsFixture.freePort()));
                env.put("ORISUN_NATS_CLUSTER_ENABLED", "true");
                env.put("ORISUN_NATS_CLUSTER_HOST", "127.0.0.1");
                env.put("ORISUN_NATS_CLUSTER_PORT", String.valueOf(clusterPorts[i]));
                env.put("ORISUN_NATS_CLUSTER_PASSWORD", "route-secret");
                env.put("ORISUN_NATS_CLUSTER_ROUTES", "nats://nats:route-secret@127.0.0.1:" + clusterPorts[1 - i]);
                env.put("ORISUN_NATS_PASSWORD", "cluster-client-secret");
                env.put("ORISUN_NATS_EVENT_SECRET", "0123456789abcdef0123456789abcdef");
                env.putAll(extra);
                NatsConfig nats = OrisunConfig.fromEnv(env).nats();
                assertThat(nats.access().host()).as("client port on loopback").isEqualTo("127.0.0.1");
                servers.add(EmbeddedNats.start(EmbeddedNatsSettings.of(nats, nats.access().password().orElseThrow())));
            }
            check.check(servers);
        } finally {
            servers.forEach(EmbeddedNats::close);
        }
    }

    static void assertRefusedWithoutCredentials(String url) {
        assertRefusedWithoutCredentials(url, Optional.empty());
    }

    static void assertRefusedWithoutCredentials(String url, Optional<SSLContext> tls) {
        assertThatThrownBy(() -> connect(withTls(new Options.Builder().server(url), tls)).close())
                .as("a client without credentials at %s", url)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Authorization Violation");
    }

    private static void assertRefused(String url, String user, String password) {
        assertThatThrownBy(() -> connect(new Options.Builder().server(url).userInfo(user, password)).close())
                .as("a client with a wrong password at %s", url)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Authorization Violation");
    }

    static void assertWorksWith(String url, String user, String password) throws Exception {
        assertWorksWith(url, user, password, Optional.empty());
    }

    static void assertWorksWith(String url, String user, String password, Optional<SSLContext> tls) throws Exception {
        try (Connection connection = connect(withTls(new Options.Builder().server(url).userInfo(user, password), tls))) {
            assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            assertThat(connection.RTT()).isPositive();
        }
    }

    /** Fails unless a client with the right credentials but without TLS is refused. */
    static void assertRefusedWithoutTls(String url, String user, String password) {
        assertThatThrownBy(() -> connect(new Options.Builder().server(url).userInfo(user, password)).close())
                .as("a client without TLS at %s", url)
                .isInstanceOf(IOException.class);
    }

    private static Options.Builder withTls(Options.Builder options, Optional<SSLContext> tls) {
        tls.ifPresent(options::sslContext);
        return options;
    }

    private static Connection connect(Options.Builder options) throws IOException, InterruptedException {
        return Nats.connect(options.connectionTimeout(Duration.ofSeconds(5)).noReconnect().build());
    }
}
