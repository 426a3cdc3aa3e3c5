package io.orisun.server;

import io.orisun.server.config.TlsConfig;

import io.orisun.transport.ListenerTls;
import java.util.Optional;

/** The files of the gRPC listener's TLS, from the server's TLS configuration. */
final class ListenerTlsSettings {

    private ListenerTlsSettings() {
    }

    /** The listener's TLS files, or empty when TLS is off; the client CA only when client certificates are required. */
    static Optional<ListenerTls> of(TlsConfig tls) {
        if (!tls.enabled()) {
            return Optional.empty();
        }
        return Optional.of(new ListenerTls(tls.certFile().orElseThrow(), tls.keyFile().orElseThrow(),
                tls.clientAuthRequired() ? Optional.of(tls.caFile().orElseThrow()) : Optional.empty()));
    }
}
