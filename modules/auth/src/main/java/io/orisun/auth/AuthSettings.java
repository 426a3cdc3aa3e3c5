package io.orisun.auth;

import io.orisun.api.BoundarySpec;
import java.time.Duration;
import java.util.Objects;

/**
 * How authentication behaves.
 *
 * @param adminBoundary   the boundary whose log holds the user events; the users table and the server secret live
 *                        in its schema
 * @param adminUsername   the administrator created at first start, when no user exists
 * @param adminPassword   that administrator's password; never printed
 * @param sessionTtl      how long a session token stays valid after it was issued; a token used after half of it
 *                        is replaced by a fresh one, so an active session never expires
 * @param refreshInterval how often a node reads the user events that other nodes wrote; this bounds how long a
 *                        deleted user or a changed password still works on a node that did not make the change
 */
public record AuthSettings(BoundarySpec adminBoundary, String adminUsername, String adminPassword,
                           Duration sessionTtl, Duration refreshInterval) {

    /** The refresh interval used by {@link #of}. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(2);

    /** @throws IllegalArgumentException when a duration is not positive */
    public AuthSettings {
        Objects.requireNonNull(adminBoundary, "adminBoundary");
        Objects.requireNonNull(adminUsername, "adminUsername");
        Objects.requireNonNull(adminPassword, "adminPassword");
        Objects.requireNonNull(sessionTtl, "sessionTtl");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
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
