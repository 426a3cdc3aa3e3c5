package io.orisun.api;

/**
 * Every failure that Orisun-J reports to a caller. The hierarchy is sealed so that the one place that maps it
 * to a wire status handles every case; adding a type without a mapping does not compile.
 */
public sealed abstract class OrisunException extends RuntimeException
        permits ConsistencyViolation, InvalidRequest, NotFound, AlreadyExists, FailedPrecondition, Unauthenticated,
        PermissionDenied, Unavailable, BudgetExceeded {

    protected OrisunException(String message) {
        super(message);
    }

    protected OrisunException(String message, Throwable cause) {
        super(message, cause);
    }
}
