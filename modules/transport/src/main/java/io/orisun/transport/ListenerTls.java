package io.orisun.transport;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The PEM files of the gRPC listener's TLS ({@code ORISUN_GRPC_TLS_*}), read by {@link TransportSecurity#tls}.
 *
 * @param certFile     the server's certificate chain
 * @param keyFile      the server's private key
 * @param clientCaFile the CA certificates that client certificates must chain to; present means clients must
 *                     present one (mutual TLS)
 */
public record ListenerTls(Path certFile, Path keyFile, Optional<Path> clientCaFile) {

    public ListenerTls {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(clientCaFile, "clientCaFile");
    }
}
