package io.orisun.auth;

import java.time.Instant;
import java.util.Set;

/** A row of the users table: a user with its password hash and credential version. */
record StoredUser(String userId, String username, String name, Set<Role> roles, String passwordHash,
                  long credentialVersion, Instant createdAt, Instant updatedAt) {

    StoredUser {
        roles = Set.copyOf(roles);
    }

    User toUser() {
        return new User(userId, name, username, roles, createdAt, updatedAt);
    }

    Caller toCaller() {
        return new Caller(userId, username, roles);
    }

    /** Like the generated form, without the hash. */
    @Override
    public String toString() {
        return "StoredUser[userId=" + userId + ", username=" + Names.printable(username) + ", roles=" + roles
                + ", credentialVersion=" + credentialVersion + "]";
    }
}
