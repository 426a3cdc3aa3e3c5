package io.orisun.server;

import java.util.Objects;
import java.util.Optional;

/**
 * Who may use NATS and how the node proves who it is: the embedded nats-server's client listener and the
 * credentials the node connects with, and the key that authenticates every event message.
 *
 * @param host        the address the embedded nats-server's client port listens on
 * @param user        the user the node connects as, and the only user the embedded nats-server admits
 * @param password    the user's password; absent means "generated once per data directory" for the embedded
 *                    nats-server and "no user/password" for an external one. Never printed
 * @param eventSecret the key of the event messages' MAC, at least {@value #MIN_SECRET_LENGTH} characters; absent
 *                    means "generated once per data directory". Never printed
 */
public record NatsAccess(String host, String user, Optional<String> password, Optional<String> eventSecret) {

    /** The shortest event secret accepted, in characters. */
    public static final int MIN_SECRET_LENGTH = 32;

    /** @throws IllegalArgumentException when a value is blank or the event secret is too short */
    public NatsAccess {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(eventSecret, "eventSecret");
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
        return new NatsAccess("127.0.0.1", "orisun", Optional.empty(), Optional.empty());
    }

    /** Like the generated form, with the password and the secret masked. */
    @Override
    public String toString() {
        return "NatsAccess[host=" + host + ", user=" + user + ", password="
                + password.map(p -> OrisunConfig.MASK).orElse("(generated)") + ", eventSecret="
                + eventSecret.map(p -> OrisunConfig.MASK).orElse("(generated)") + "]";
    }
}
