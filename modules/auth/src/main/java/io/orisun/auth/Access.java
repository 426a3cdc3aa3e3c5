package io.orisun.auth;

import java.util.Set;

/** What an operation requires of an authenticated caller. */
public enum Access {
    /** Any authenticated user, whatever its roles. */
    AUTHENTICATED,
    /** A user with {@link Role#ADMIN} or {@link Role#OPERATIONS}. */
    ADMIN_OR_OPERATIONS,
    /** A user with {@link Role#ADMIN}. */
    ADMIN_ONLY;

    /** Whether a caller holding {@code roles} may perform an operation that requires this access. */
    public boolean grantedTo(Set<Role> roles) {
        return switch (this) {
            case AUTHENTICATED -> true;
            case ADMIN_OR_OPERATIONS -> roles.contains(Role.ADMIN) || roles.contains(Role.OPERATIONS);
            case ADMIN_ONLY -> roles.contains(Role.ADMIN);
        };
    }
}
