package io.orisun.auth;

import io.orisun.api.InvalidRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A user to create: a display name, a username (3 to 128 characters after surrounding blanks are removed, without
 * {@code ':'} or control characters), a password (see {@link #MIN_PASSWORD_LENGTH}) and at least one role.
 * A value that exists is valid.
 */
public record NewUser(String name, String username, String password, Set<Role> roles) {

    /** The shortest password, in characters. */
    public static final int MIN_PASSWORD_LENGTH = 6;
    /** The longest password, in UTF-8 bytes: bcrypt reads no further, so a longer one would be silently cut. */
    public static final int MAX_PASSWORD_BYTES = PasswordHasher.MAX_PASSWORD_BYTES;

    /** @throws InvalidRequest naming the first field that breaks a rule; the message never contains the password */
    public NewUser {
        name = Names.displayName(name);
        username = Names.username(username);
        requirePassword("password", password);
        Objects.requireNonNull(roles, "roles");
        if (roles.isEmpty()) {
            throw new InvalidRequest("at least one role is required (ADMIN or OPERATIONS)");
        }
        roles = Set.copyOf(roles);
    }

    /**
     * A user from a request's fields, with roles given by name (case-insensitive; repeats are ignored).
     *
     * @throws InvalidRequest as the constructor, or for an unknown role
     */
    public static NewUser of(String name, String username, String password, List<String> roleNames) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String roleName : roleNames) {
            roles.add(Role.parse(roleName));
        }
        return new NewUser(name, username, password, roles);
    }

    /**
     * Checks a new password: at least {@link #MIN_PASSWORD_LENGTH} characters, at most {@link #MAX_PASSWORD_BYTES}
     * UTF-8 bytes, no NUL character.
     *
     * @param field how the request calls the password, for the message
     * @throws InvalidRequest when a rule is broken; the message never contains the password
     */
    static void requirePassword(String field, String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new InvalidRequest(field + " must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (!PasswordHasher.fits(password)) {
            throw new InvalidRequest(field + " must have at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8");
        }
        if (password.indexOf('\0') >= 0) {
            throw new InvalidRequest(field + " must not contain a NUL character");
        }
    }

    /** Like the generated form, with the password masked. */
    @Override
    public String toString() {
        return "NewUser[name=" + Names.printable(name) + ", username=" + Names.printable(username)
                + ", password=****, roles=" + roles + "]";
    }
}
