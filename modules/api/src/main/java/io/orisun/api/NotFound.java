package io.orisun.api;

/** The request names something, such as a boundary or a user, that does not exist. */
public final class NotFound extends OrisunException {

    public NotFound(String message) {
        super(message);
    }

    public NotFound(String message, Throwable cause) {
        super(message, cause);
    }
}
