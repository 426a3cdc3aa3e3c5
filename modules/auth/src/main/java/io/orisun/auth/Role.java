package io.orisun.auth;

import io.orisun.api.InvalidRequest;
import java.util.Locale;

/** What a user may do. Every user has at least one role; {@link Access} says which roles an operation needs. */
public enum Role {
    /** Everything, including user, boundary and index administration. */
    ADMIN,
    /** Day-to-day operation: writing events, reading the catalog and indexes, counting. */
    OPERATIONS;

    /**
     * The role named {@code name}, ignoring case and surrounding blanks.
     *
     * @throws InvalidRequest when no role has that name
     */
    public static Role parse(String name) {
        String normalised = name == null ? "" : name.strip().toUpperCase(Locale.ROOT);
        for (Role role : values()) {
            if (role.name().equals(normalised)) {
                return role;
            }
        }
        throw new InvalidRequest("unknown role '" + Names.printable(name == null ? "" : name)
                + "' (known roles: ADMIN, OPERATIONS)");
    }
}
