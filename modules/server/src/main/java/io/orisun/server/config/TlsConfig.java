package io.orisun.server.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS for the gRPC API. The files are PEM. The CA file matters only when client certificates are required.
 *
 * @param enabled            whether gRPC is served over TLS
 * @param certFile           the server's certificate chain; present when enabled
 * @param keyFile            the server's private key; present when enabled
 * @param caFile             the CA certificates client certificates must chain to; present when client auth is
 *                           required
 * @param clientAuthRequired whether clients must present a certificate (mutual TLS); only with TLS enabled
 */
public record TlsConfig(boolean enabled, Optional<Path> certFile, Optional<Path> keyFile, Optional<Path> caFile,
                        boolean clientAuthRequired) {

    /** @throws IllegalArgumentException when TLS is enabled without a certificate or key, or mutual TLS without a CA */
    public TlsConfig {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(caFile, "caFile");
        if (enabled && (certFile.isEmpty() || keyFile.isEmpty())) {
            throw new IllegalArgumentException("TLS needs a certificate file and a key file");
        }
        if (clientAuthRequired && !enabled) {
            throw new IllegalArgumentException("client certificate authentication needs TLS enabled");
        }
        if (clientAuthRequired && caFile.isEmpty()) {
            throw new IllegalArgumentException("client certificate authentication needs a CA file");
        }
    }

    /** Plain-text gRPC. */
    public static TlsConfig disabled() {
        return new TlsConfig(false, Optional.empty(), Optional.empty(), Optional.empty(), false);
    }
}
