package io.orisun.server.rpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
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
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The one place where failures become gRPC statuses. Domain errors keep their message; anything else is logged
 * with a reference id and reaches the client as {@code INTERNAL} with only that id, never SQL text or a stack
 * trace.
 */
public final class StatusMapping {

    private static final System.Logger LOG = System.getLogger(StatusMapping.class.getName());

    private StatusMapping() {
    }

    /** The status a client sees for {@code failure}. */
    public static StatusRuntimeException toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status;
        }
        if (failure instanceof OrisunException domain) {
            Status status = switch (domain) {
                case ConsistencyViolation violation -> Status.ALREADY_EXISTS;
                case InvalidRequest invalid -> Status.INVALID_ARGUMENT;
                case NotFound notFound -> Status.NOT_FOUND;
                case AlreadyExists exists -> Status.ALREADY_EXISTS;
                case FailedPrecondition precondition -> Status.FAILED_PRECONDITION;
                case Unauthenticated unauthenticated -> Status.UNAUTHENTICATED;
                case PermissionDenied denied -> Status.PERMISSION_DENIED;
                case Unavailable unavailable -> Status.UNAVAILABLE;
                case BudgetExceeded exceeded -> Status.RESOURCE_EXHAUSTED;
            };
            if (domain instanceof Unavailable && domain.getCause() != null) {
                LOG.log(System.Logger.Level.WARNING, "request failed: " + domain.getMessage(), domain.getCause());
            }
            return status.withDescription(domain.getMessage()).asRuntimeException();
        }
        String reference = UUID.randomUUID().toString();
        LOG.log(System.Logger.Level.ERROR, "internal error, reference " + reference, failure);
        return Status.INTERNAL.withDescription("internal error (reference " + reference + ")").asRuntimeException();
    }

    /** Runs a unary call's body and completes {@code observer} with its result or its mapped failure. */
    static <T> void unary(StreamObserver<T> observer, Supplier<T> body) {
        T response;
        try {
            response = body.get();
        } catch (Throwable failure) {
            observer.onError(toStatus(failure));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
