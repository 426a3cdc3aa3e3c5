package io.orisun.client;

import io.grpc.Status;

/**
 * A call the server refused or could not answer, with the gRPC status code it ended with ({@code INVALID_ARGUMENT},
 * {@code NOT_FOUND}, {@code UNAUTHENTICATED}, {@code PERMISSION_DENIED}, {@code UNAVAILABLE}, ...). The subclasses
 * carry the data of the failures an application acts upon.
 */
public sealed class OrisunClientException extends RuntimeException
        permits ContextChangedException, WrongExpectedVersionException {

    private final Status.Code code;

    /** A failure with {@code code}, as the server described it. */
    public OrisunClientException(Status.Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    /** The gRPC status code of the failure. */
    public Status.Code code() {
        return code;
    }
}
