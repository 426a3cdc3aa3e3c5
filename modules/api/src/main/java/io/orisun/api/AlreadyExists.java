package io.orisun.api;

/** The request would create something that exists already, such as a username or a live subscriber name. */
public final class AlreadyExists extends OrisunException {

    public AlreadyExists(String message) {
        super(message);
    }

    public AlreadyExists(String message, Throwable cause) {
        super(message, cause);
    }
}
