package io.orisun.auth;

import java.util.Objects;
import java.util.Set;

/** The authenticated user behind a call. */
public record Caller(String userId, String username, Set<Role> roles) {

    public Caller {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        roles = Set.copyOf(roles);
    }

    /** Whether this caller may perform an operation that requires {@code access}. */
    public boolean may(Access access) {
        return access.grantedTo(roles);
    }
}
