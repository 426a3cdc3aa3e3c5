package io.orisun.client;

import io.grpc.Status;

/**
 * An append to a stream was rejected because the stream was not at the expected version; nothing was written.
 * {@link #actual()} is the stream's version when the append was checked ({@code -1}: the stream has no event).
 */
public final class WrongExpectedVersionException extends OrisunClientException {

    private final String streamId;
    private final ExpectedVersion expected;
    private final long actual;

    /** The refusal of an append to {@code streamId} that expected {@code expected} and met version {@code actual}. */
    public WrongExpectedVersionException(String streamId, ExpectedVersion expected, long actual) {
        super(Status.Code.FAILED_PRECONDITION, "stream " + streamId + " expected " + expected + ", is at version "
                + actual, null);
        this.streamId = streamId;
        this.expected = expected;
        this.actual = actual;
    }

    /** The stream appended to. */
    public String streamId() {
        return streamId;
    }

    /** What the append expected. */
    public ExpectedVersion expected() {
        return expected;
    }

    /** The stream's version when the append was checked; {@code -1} when it has no event. */
    public long actual() {
        return actual;
    }
}
