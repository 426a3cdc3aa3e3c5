package io.orisun.auth;

import io.orisun.api.BoundarySpec;
import java.time.Duration;
import java.util.Objects;

/**
 * How authentication behaves.
 *
 * @param adminBoundary   the boundary whose log holds the user events; the users table and the server secret live
 *                        in its schema
 * @param adminUsername   the administrator created at first start, when no user exists; at least
 *                        {@value #MIN_USERNAME_LENGTH} characters after surrounding blanks are removed
 * @param adminPassword   that administrator's password, at least {@value #MIN_PASSWORD_LENGTH} characters; never
 *                        printed
 * @param sessionTtl      how long a session token stays valid after it was issued; a token used after half of it
 *                        is replaced by a fresh one, so an active session never expires
 * @param refreshInterval how often a node reads the user events that other nodes wrote; this bounds how long a
 *                        deleted user or a changed password still works on a node that did not make the change
 */
public record AuthSettings(BoundarySpec adminBoundary, String adminUsername, String adminPassword,
                           Duration sessionTtl, Duration refreshInterval) {

    /** The refresh interval used by {@link #of}. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(2);

    /** The shortest administrator username, as for users created through the API. */
    public static final int MIN_USERNAME_LENGTH = Names.MIN_USERNAME_LENGTH;
    /** The shortest administrator password, as for users created through the API. */
    public static final int MIN_PASSWORD_LENGTH = NewUser.MIN_PASSWORD_LENGTH;

    /**
     * @throws IllegalArgumentException when the administrator's username or password is too short, the session TTL
     *                                  is under 2 seconds or the refresh interval is not positive; the message never
     *                                  contains the password
     */
    public AuthSettings {
        Objects.requireNonNull(adminBoundary, "adminBoundary");
        Objects.requireNonNull(adminUsername, "adminUsername");
        Objects.requireNonNull(adminPassword, "adminPassword");
        Objects.requireNonNull(sessionTtl, "sessionTtl");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        if (adminUsername.strip().length() < MIN_USERNAME_LENGTH) {
            throw new IllegalArgumentException("admin username needs at least " + MIN_USERNAME_LENGTH + " characters");
        }
        if (adminPassword.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("admin password needs at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (!sessionTtl.isPositive() || sessionTtl.toSeconds() < 2) {
            throw new IllegalArgumentException("session TTL must be at least 2 seconds");
        }
        if (!refreshInterval.isPositive()) {
            throw new IllegalArgumentException("refresh interval must be positive");
        }
    }

    /** Settings with the {@link #DEFAULT_REFRESH_INTERVAL default refresh interval}. */
    public static AuthSettings of(BoundarySpec adminBoundary, String adminUsername, String adminPassword,
                                  Duration sessionTtl) {
        return new AuthSettings(adminBoundary, adminUsername, adminPassword, sessionTtl, DEFAULT_REFRESH_INTERVAL);
    }

    /** Like the generated form, with the password masked. */
    @Override
    public String toString() {
        return "AuthSettings[adminBoundary=" + adminBoundary.name() + ", adminUsername=" + adminUsername
                + ", adminPassword=****, sessionTtl=" + sessionTtl + ", refreshInterval=" + refreshInterval + "]";
    }
}
