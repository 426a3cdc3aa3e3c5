package io.orisun.api;

/** The caller's credentials are missing or wrong. */
public final class Unauthenticated extends OrisunException {

    public Unauthenticated(String message) {
        super(message);
    }

    public Unauthenticated(String message, Throwable cause) {
        super(message, cause);
    }
}
