package io.orisun.api;

/** The request is well formed but the system is not in a state that allows it. */
public final class FailedPrecondition extends OrisunException {

    public FailedPrecondition(String message) {
        super(message);
    }

    public FailedPrecondition(String message, Throwable cause) {
        super(message, cause);
    }
}
