package io.orisun.client;

import io.grpc.Status;

/**
 * A conditional save was rejected: the newest event matching its query was not at the expected position. Nothing
 * of the save was written. Read the context again, decide again, and save at {@link #actual()} or later.
 */
public final class ContextChangedException extends OrisunClientException {

    private final Position expected;
    private final Position actual;

    /** The conflict of a save that expected {@code expected} and met {@code actual}. */
    public ContextChangedException(Position expected, Position actual, Throwable cause) {
        super(Status.Code.ALREADY_EXISTS, "the context moved from " + expected + " to " + actual, cause);
        this.expected = expected;
        this.actual = actual;
    }

    /** The position the save expected. */
    public Position expected() {
        return expected;
    }

    /** The position of the newest matching event when the save was checked. */
    public Position actual() {
        return actual;
    }
}
