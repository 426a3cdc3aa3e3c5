package io.orisun.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The admin HTTP endpoint and the administrator account created at first start.
 *
 * @param port       admin HTTP port; 0 picks a free one
 * @param username   the first administrator's username, at least 3 characters
 * @param password   the first administrator's password, at least 6 characters; never printed
 * @param sessionTtl inactivity after which an {@code x-auth-token} expires (each use renews it)
 */
public record AdminConfig(int port, String username, String password, Duration sessionTtl) {

    /** The shortest password a user may have, as for users created through the API. */
    public static final int MIN_PASSWORD_LENGTH = 6;
    /** The shortest username, as for users created through the API. */
    public static final int MIN_USERNAME_LENGTH = 3;

    /** @throws IllegalArgumentException when a value is out of range; the message never contains the password */
    public AdminConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("admin port " + port + " is not 0-65535");
        }
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(sessionTtl, "sessionTtl");
        if (username.strip().length() < MIN_USERNAME_LENGTH) {
            throw new IllegalArgumentException("admin username needs at least " + MIN_USERNAME_LENGTH + " characters");
        }
        if (password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("admin password needs at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (!sessionTtl.isPositive()) {
            throw new IllegalArgumentException("session TTL must be positive");
        }
    }

    /** Like the generated form, with the password masked. */
    @Override
    public String toString() {
        return "AdminConfig[port=" + port + ", username=" + username + ", password=" + OrisunConfig.MASK
                + ", sessionTtl=" + sessionTtl + "]";
    }
}
