package io.orisun.server;

import io.orisun.server.config.TlsConfig;

import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.transport.ListenerTls;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListenerTlsSettingsTest {

    private static final Optional<Path> CERT = Optional.of(Path.of("server.pem"));
    private static final Optional<Path> KEY = Optional.of(Path.of("server.key"));
    private static final Optional<Path> CA = Optional.of(Path.of("ca.pem"));

    @Test
    void tls_is_off_unless_enabled() {
        assertThat(ListenerTlsSettings.of(TlsConfig.disabled())).isEmpty();
    }

    @Test
    void the_client_ca_is_passed_only_when_client_certificates_are_required() {
        assertThat(ListenerTlsSettings.of(new TlsConfig(true, CERT, KEY, CA, false)))
                .contains(new ListenerTls(CERT.get(), KEY.get(), Optional.empty()));
        assertThat(ListenerTlsSettings.of(new TlsConfig(true, CERT, KEY, CA, true)))
                .contains(new ListenerTls(CERT.get(), KEY.get(), CA));
    }
}
