package io.orisun.server;

import io.orisun.server.config.NatsAccess;
import io.orisun.server.config.NatsConfig;

import io.orisun.embedded.NatsSettings;
import io.orisun.transport.TransportSecurity;
import java.util.Optional;

/** The settings of the embedded nats-server, from the server's NATS configuration. */
final class EmbeddedNatsSettings {

    private EmbeddedNatsSettings() {
    }

    /**
     * The embedded nats-server of {@code nats}, whose one user has {@code password}. The TLS files are read by the
     * rules of the gRPC listener first, so that a file nats-server would refuse, or read differently, stops start-up
     * with a message naming the variable rather than a nats-server exit code.
     *
     * @throws IllegalStateException when a TLS file cannot be read or holds no usable certificate or key
     */
    static NatsSettings of(NatsConfig nats, String password) {
        NatsAccess access = nats.access();
        Optional<NatsSettings.TlsFiles> tls = Optional.empty();
        if (access.serverTls()) {
            TransportSecurity.certificates("ORISUN_NATS_TLS_CERT_FILE", access.tlsCertFile().orElseThrow());
            TransportSecurity.privateKey("ORISUN_NATS_TLS_KEY_FILE", access.tlsKeyFile().orElseThrow());
            TransportSecurity.certificates("ORISUN_NATS_TLS_CA_FILE", access.tlsCaFile().orElseThrow());
            tls = Optional.of(new NatsSettings.TlsFiles(access.tlsCertFile().orElseThrow(),
                    access.tlsKeyFile().orElseThrow(), access.tlsCaFile().orElseThrow()));
        }
        return new NatsSettings(nats.serverPath(), nats.storeDir(), nats.serverName(), access.host(), nats.port(),
                nats.maxPayload(), access.user(), password, tls, nats.cluster());
    }
}
