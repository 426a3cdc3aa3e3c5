package io.orisun.server.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Who may use NATS and how the node proves who it is: the embedded nats-server's client listener and the
 * credentials the node connects with, and the key that authenticates every event message.
 *
 * @param host        the address the embedded nats-server's client port listens on
 * @param user        the user the node connects as, and the only user the embedded nats-server admits
 * @param password    the user's password; absent means "generated once per data directory" for the embedded
 *                    nats-server and "no user/password" for an external one. Never printed
 * @param token       the token the node presents to an external NATS instead of a user and password. Never printed
 * @param credsFile   the {@code .creds} file (user JWT and NKey seed) the node presents to an external NATS
 * @param tlsCaFile   the CA certificates the NATS server's certificate must chain to; present means TLS
 * @param tlsCertFile the embedded nats-server's certificate chain; present with the key means TLS on its client
 *                    port and routes
 * @param tlsKeyFile  the embedded nats-server's private key
 * @param eventSecret the key of the event messages' MAC, at least {@value #MIN_SECRET_LENGTH} characters; absent
 *                    means "generated once per data directory". Never printed
 */
public record NatsAccess(String host, String user, Optional<String> password, Optional<String> token,
                         Optional<Path> credsFile, Optional<Path> tlsCaFile, Optional<Path> tlsCertFile,
                         Optional<Path> tlsKeyFile, Optional<String> eventSecret) {

    /** The shortest event secret accepted, in characters. */
    public static final int MIN_SECRET_LENGTH = 32;

    /** @throws IllegalArgumentException when a value is blank or the event secret is too short */
    public NatsAccess {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(credsFile, "credsFile");
        Objects.requireNonNull(tlsCaFile, "tlsCaFile");
        Objects.requireNonNull(tlsCertFile, "tlsCertFile");
        Objects.requireNonNull(tlsKeyFile, "tlsKeyFile");
        Objects.requireNonNull(eventSecret, "eventSecret");
        if (Stream.of(password, token, credsFile).filter(Optional::isPresent).count() > 1) {
            throw new IllegalArgumentException("a NATS password, token and creds file exclude each other");
        }
        if (tlsCertFile.isPresent() != tlsKeyFile.isPresent() || (tlsCertFile.isPresent() && tlsCaFile.isEmpty())) {
            throw new IllegalArgumentException("NATS TLS needs a certificate, a key and a CA file together");
        }
        if (host.isBlank() || user.isBlank()) {
            throw new IllegalArgumentException("the NATS client host and user must not be blank");
        }
        if (password.isPresent() && password.get().isEmpty()) {
            throw new IllegalArgumentException("a NATS password must not be empty; leave it absent to generate one");
        }
        if (eventSecret.isPresent() && eventSecret.get().length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("the event secret must have at least " + MIN_SECRET_LENGTH + " characters");
        }
    }

    /** The defaults: loopback, user {@code orisun}, generated password and secret. */
    public static NatsAccess generated() {
        return new NatsAccess("127.0.0.1", "orisun", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Whether the embedded nats-server serves TLS on its client port and routes. */
    public boolean serverTls() {
        return tlsCertFile.isPresent();
    }

    /** Like the generated form, with the password and the secret masked. */
    @Override
    public String toString() {
        return "NatsAccess[host=" + host + ", user=" + user + ", password="
                + password.map(p -> OrisunConfig.MASK).orElse("(generated)") + ", token="
                + token.map(t -> OrisunConfig.MASK).orElse("(none)") + ", credsFile=" + credsFile
                + ", tlsCaFile=" + tlsCaFile + ", tlsCertFile=" + tlsCertFile + ", tlsKeyFile=" + tlsKeyFile
                + ", eventSecret="
                + eventSecret.map(p -> OrisunConfig.MASK).orElse("(generated)") + "]";
    }
}
