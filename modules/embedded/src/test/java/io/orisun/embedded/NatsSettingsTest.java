package io.orisun.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NatsSettingsTest {

    private static final NatsSettings.Cluster CLUSTER = new NatsSettings.Cluster("orisun", "0.0.0.0", 6222, "nats",
            "route-secret", List.of("nats://nats:route-secret@node2:6222", "nats://node3:6222"), Duration.ofSeconds(2));
    private static final NatsSettings SETTINGS = new NatsSettings(Optional.empty(), Path.of("/data/nats"), "node-1",
            "127.0.0.1", 4222, 1 << 20, "orisun", "client-secret", Optional.empty(), Optional.of(CLUSTER));

    @Test
    void printing_the_settings_shows_neither_password_nor_credentials_inside_route_urls() {
        assertThat(SETTINGS.toString())
                .doesNotContain("client-secret", "route-secret")
                .contains("user=orisun", "password=****", "nats://****@node2:6222", "nats://node3:6222");
    }

    @Test
    void the_configuration_file_holds_the_user_the_routes_and_their_credentials() {
        String conf = EmbeddedNats.configuration(SETTINGS, Path.of("/data/nats"));
        assertThat(conf)
                .contains("listen: \"127.0.0.1:4222\"", "user: \"orisun\"", "password: \"client-secret\"")
                .contains("cluster {", "listen: \"0.0.0.0:6222\"", "password: \"route-secret\"",
                        "\"nats://nats:route-secret@node2:6222\"")
                .doesNotContain("tls {");
    }
}
