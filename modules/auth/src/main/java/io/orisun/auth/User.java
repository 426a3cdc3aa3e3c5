package io.orisun.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A user as clients see it: never any password material. {@code createdAt} and {@code updatedAt} are the times
 * recorded in the user's events, not the time of the lookup.
 */
public record User(String userId, String name, String username, Set<Role> roles, Instant createdAt,
                   Instant updatedAt) {

    public User {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(username, "username");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
