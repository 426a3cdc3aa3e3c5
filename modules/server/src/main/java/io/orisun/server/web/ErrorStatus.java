package io.orisun.server.web;

import io.helidon.http.Status;
import io.orisun.api.AlreadyExists;
import io.orisun.api.BudgetExceeded;
import io.orisun.api.ConsistencyViolation;
import io.orisun.api.FailedPrecondition;
import io.orisun.api.InvalidRequest;
import io.orisun.api.NotFound;
import io.orisun.api.OrisunException;
import io.orisun.api.PermissionDenied;
import io.orisun.api.Unauthenticated;
import io.orisun.api.Unavailable;

/**
 * The one place where domain failures become HTTP statuses on the admin port. A request the caller got wrong is
 * 400, something missing 404; every other failure of a read the page makes means the node cannot answer now, 503.
 */
final class ErrorStatus {

    private ErrorStatus() {
    }

    static Status of(OrisunException failure) {
        return switch (failure) {
            case InvalidRequest invalid -> Status.BAD_REQUEST_400;
            case NotFound notFound -> Status.NOT_FOUND_404;
            case ConsistencyViolation violation -> Status.SERVICE_UNAVAILABLE_503;
            case AlreadyExists exists -> Status.SERVICE_UNAVAILABLE_503;
            case FailedPrecondition precondition -> Status.SERVICE_UNAVAILABLE_503;
            case Unauthenticated unauthenticated -> Status.SERVICE_UNAVAILABLE_503;
            case PermissionDenied denied -> Status.SERVICE_UNAVAILABLE_503;
            case Unavailable unavailable -> Status.SERVICE_UNAVAILABLE_503;
            case BudgetExceeded exceeded -> Status.SERVICE_UNAVAILABLE_503;
        };
    }
}
