package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.NKey;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.PostgresFixture;
import io.orisun.testsupport.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external NATS that demands credentials or TLS: the node connects with a user and password, a token or a
 * {@code .creds} file, trusting the configured CA; a wrong credential or CA stops start-up, naming the setting.
 */
class ExternalNatsIT {

    private static final String B = "orisun_test_1";

    @TempDir
    Path dir;

    private static Map<String, String> env(NatsFixture nats, String... namesAndValues) {
        Map<String, String> env = new HashMap<>();
        env.put("ORISUN_NATS_URL", nats.url());
        for (int i = 0; i < namesAndValues.length; i += 2) {
            env.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return env;
    }

    private static void assertServes(Map<String, String> overrides) {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        try (TestServer node = TestServer.join(database, overrides.get("ORISUN_NATS_URL"), overrides)) {
            node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary(B)
                    .addEvents(EventToSave.newBuilder().setEventId("e-1").setEventType("T").setData("{}")).build());
            assertThat(node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary(B).setCount(10).build())
                    .getEventsCount()).isEqualTo(1);
            assertThat(node.server().ready()).as("NATS is up for the node").isTrue();
        }
    }

    private static void assertStartFails(Map<String, String> overrides, String... expected) {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        assertThatThrownBy(() -> TestServer.join(database, overrides.get("ORISUN_NATS_URL"), overrides).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll(expected);
    }

    @Test
    void connects_with_a_user_and_password_and_a_wrong_one_stops_start_up_naming_the_settings() {
        try (NatsFixture nats = NatsFixture.startWith("authorization { user: \"app\", password: \"app-secret-1\" }")) {
            assertServes(env(nats, "ORISUN_NATS_USER", "app", "ORISUN_NATS_PASSWORD", "app-secret-1"));
            assertStartFails(env(nats, "ORISUN_NATS_USER", "app", "ORISUN_NATS_PASSWORD", "wrong"),
                    "refused the node", "check ORISUN_NATS_USER and ORISUN_NATS_PASSWORD");
            assertStartFails(env(nats), "refused the node", "none is set");
        }
    }

    @Test
    void connects_with_a_token_and_a_wrong_one_stops_start_up_naming_the_setting() {
        try (NatsFixture nats = NatsFixture.startWith("authorization { token: \"token-secret-2\" }")) {
            assertServes(env(nats, "ORISUN_NATS_TOKEN", "token-secret-2"));
            assertStartFails(env(nats, "ORISUN_NATS_TOKEN", "not-the-token"), "check ORISUN_NATS_TOKEN");
        }
    }

    @Test
    void connects_with_a_creds_file_and_one_of_another_user_stops_start_up_naming_the_setting() throws Exception {
        NKey user = NKey.createUser(null);
        NKey stranger = NKey.createUser(null);
        Path creds = writeCreds("user.creds", user);
        Path strangerCreds = writeCreds("stranger.creds", stranger);
        try (NatsFixture nats = NatsFixture.startWith("authorization { users: [ { nkey: \""
                + new String(user.getPublicKey()) + "\" } ] }")) {
            assertServes(env(nats, "ORISUN_NATS_CREDS_FILE", creds.toString()));
            assertStartFails(env(nats, "ORISUN_NATS_CREDS_FILE", strangerCreds.toString()),
                    "check ORISUN_NATS_CREDS_FILE");
        }
    }

    @Test
    void connects_over_tls_trusting_the_configured_ca_and_another_ca_stops_start_up_naming_the_setting() {
        TestCertificates certificates = TestCertificates.create(dir).withForeignAuthority("other");
        try (NatsFixture nats = NatsFixture.startWith("tls { cert_file: \"" + certificates.cert("server")
                + "\", key_file: \"" + certificates.key("server") + "\" }\n"
                + "authorization { user: \"app\", password: \"app-secret-3\" }")) {
            assertServes(env(nats, "ORISUN_NATS_USER", "app", "ORISUN_NATS_PASSWORD", "app-secret-3",
                    "ORISUN_NATS_TLS_CA_FILE", certificates.cert("ca").toString()));
            assertStartFails(env(nats, "ORISUN_NATS_USER", "app", "ORISUN_NATS_PASSWORD", "app-secret-3",
                    "ORISUN_NATS_TLS_CA_FILE", certificates.cert("other").toString()),
                    "TLS with NATS", "check ORISUN_NATS_TLS_CA_FILE");
        }
    }

    /**
     * A {@code .creds} file in the layout nsc writes. This nats-server runs without an operator, so it admits users
     * by NKey alone and does not look at the JWT part, which therefore holds a placeholder.
     */
    private Path writeCreds(String name, NKey key) throws Exception {
        return Files.writeString(dir.resolve(name), """
                -----BEGIN NATS USER JWT-----
                placeholder.jwt.unused
                ------END NATS USER JWT------

                -----BEGIN USER NKEY SEED-----
                %s
                ------END USER NKEY SEED------
                """.formatted(new String(key.getSeed())));
    }
}
