package io.orisun.api;

/** A dependency (PostgreSQL, NATS) cannot be reached, or the server is shutting down; the request may be retried. */
public final class Unavailable extends OrisunException {

    public Unavailable(String message) {
        super(message);
    }

    public Unavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
