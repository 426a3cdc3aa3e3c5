package io.orisun.api;

/** The request is malformed or names something that cannot exist; retrying it unchanged fails again. */
public final class InvalidRequest extends OrisunException {

    public InvalidRequest(String message) {
        super(message);
    }

    public InvalidRequest(String message, Throwable cause) {
        super(message, cause);
    }
}
