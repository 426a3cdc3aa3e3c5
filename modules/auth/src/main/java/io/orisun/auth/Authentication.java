package io.orisun.auth;

import java.util.Objects;

/**
 * A successful authentication: who called, and the session token to hand back to the client (the token it sent,
 * or a new one after Basic authentication, after a password change, or once more than half its lifetime passed).
 */
public record Authentication(Caller caller, String token) {

    public Authentication {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(token, "token");
    }

    /** Like the generated form, without the token, which is a bearer secret. */
    @Override
    public String toString() {
        return "Authentication[caller=" + caller + ", token=****]";
    }
}
