package io.orisun.server.rpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.orisun.api.PermissionDenied;
import io.orisun.api.Unauthenticated;
import io.orisun.auth.Access;
import io.orisun.auth.Authentication;
import io.orisun.auth.Authenticator;
import io.orisun.auth.Caller;
import io.orisun.auth.Credentials;
import io.orisun.proto.AdminGrpc;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.GetLatestByCriteriaRequest;
import io.orisun.proto.SaveEventsRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Authenticates every call and enforces the role each RPC requires (reference §5). Health
 * ({@code grpc.health.v1.Health}) and reflection ({@code grpc.reflection.*}) need no credentials; every other
 * method needs {@code authorization: Basic ...} or an {@code x-auth-token}, and a method missing from the table
 * needs {@link Access#ADMIN_ONLY}.
 *
 * <p>Failures close the call before the service sees it: {@code UNAUTHENTICATED} with a message that never says
 * which part of the credentials was wrong, or {@code PERMISSION_DENIED}. Every authenticated response carries the
 * caller's session token in the {@code x-auth-token} header (in the trailers when the call fails before sending
 * headers). The caller is available to the services through {@link #CALLER}.
 *
 * <p>The admin boundary is written only by the server: a SaveEvents to it is refused with
 * {@code PERMISSION_DENIED}, whatever the caller's roles, so that no client can forge user or catalog events. Its
 * events (every username with its roles, and the boundary catalog) are read only by {@code ADMIN}: a GetEvents,
 * GetLatestByCriteria or CatchUpSubscribeToEvents of the admin boundary by any other caller is refused with
 * {@code PERMISSION_DENIED}, so that the list of usernames is not a target list for password guessing. Pub/sub
 * cannot reach it: its subjects live in a namespace of their own. Both rules are decided here, from the request's
 * boundary, before the service sees the call.
 */
public final class AuthInterceptor implements ServerInterceptor {

    /** The authenticated caller of the current call, and the token its response carries. */
    static final Context.Key<CallAuth> CALLER = Context.key("orisun-caller");

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> AUTH_TOKEN = Metadata.Key.of("x-auth-token", Metadata.ASCII_STRING_MARSHALLER);

    private static final String SAVE_EVENTS = EventStoreGrpc.getSaveEventsMethod().getFullMethodName();

    /** The methods that read the events of the boundary their request names, which for the admin boundary is ADMIN's. */
    private static final Set<String> EVENT_READS = Set.of(EventStoreGrpc.getGetEventsMethod().getFullMethodName(),
            EventStoreGrpc.getGetLatestByCriteriaMethod().getFullMethodName(),
            EventStoreGrpc.getCatchUpSubscribeToEventsMethod().getFullMethodName());

    /** What each RPC requires; the matrix of reference §5, plus the pub/sub RPCs (publishing writes, like SaveEvents). */
    private static final Map<String, Access> REQUIRED = Map.ofEntries(
            rule(EventStoreGrpc.getSaveEventsMethod(), Access.ADMIN_OR_OPERATIONS),
            rule(EventStoreGrpc.getGetEventsMethod(), Access.AUTHENTICATED),
            rule(EventStoreGrpc.getGetLatestByCriteriaMethod(), Access.AUTHENTICATED),
            rule(EventStoreGrpc.getCatchUpSubscribeToEventsMethod(), Access.AUTHENTICATED),
            rule(EventStoreGrpc.getPingMethod(), Access.AUTHENTICATED),
            rule(EventStoreGrpc.getGetServerInfoMethod(), Access.AUTHENTICATED),
            rule(EventStoreGrpc.getCreateIndexMethod(), Access.ADMIN_ONLY),
            rule(EventStoreGrpc.getDropIndexMethod(), Access.ADMIN_ONLY),
            rule(EventStoreGrpc.getListIndexesMethod(), Access.ADMIN_OR_OPERATIONS),
            rule(EventStoreGrpc.getGetIndexMethod(), Access.ADMIN_OR_OPERATIONS),
            rule(EventStoreGrpc.getPublishToPubSubMethod(), Access.ADMIN_OR_OPERATIONS),
            rule(EventStoreGrpc.getSubscribeToPubSubMethod(), Access.AUTHENTICATED),
            rule(AdminGrpc.getCreateBoundaryMethod(), Access.ADMIN_ONLY),
            rule(AdminGrpc.getListBoundariesMethod(), Access.ADMIN_OR_OPERATIONS),
            rule(AdminGrpc.getGetBoundaryMethod(), Access.ADMIN_OR_OPERATIONS),
            rule(AdminGrpc.getCreateUserMethod(), Access.ADMIN_ONLY),
            rule(AdminGrpc.getDeleteUserMethod(), Access.ADMIN_ONLY),
            // Any user may call it, for its own user id only; UserEndpoints enforces that.
            rule(AdminGrpc.getChangePasswordMethod(), Access.AUTHENTICATED),
            rule(AdminGrpc.getListUsersMethod(), Access.ADMIN_ONLY),
            rule(AdminGrpc.getValidateCredentialsMethod(), Access.ADMIN_ONLY),
            rule(AdminGrpc.getGetUserCountMethod(), Access.ADMIN_ONLY),
            rule(AdminGrpc.getGetEventCountMethod(), Access.ADMIN_OR_OPERATIONS),
            rule(AdminGrpc.getCreateIndexMethod(), Access.ADMIN_ONLY),
            rule(AdminGrpc.getDropIndexMethod(), Access.ADMIN_ONLY),
            rule(AdminGrpc.getMoveBoundaryMethod(), Access.ADMIN_ONLY));

    private final Authenticator authenticator;
    private final String adminBoundary;

    /**
     * The interceptor of a node, authenticating with {@code authenticator} (the user directory its user RPCs
     * share) and guarding the events of {@code adminBoundary}.
     */
    public AuthInterceptor(Authenticator authenticator, String adminBoundary) {
        this.authenticator = authenticator;
        this.adminBoundary = adminBoundary;
    }

    private static Map.Entry<String, Access> rule(MethodDescriptor<?, ?> method, Access access) {
        return Map.entry(method.getFullMethodName(), access);
    }

    /** What a call of {@code fullMethodName} requires; {@link Access#ADMIN_ONLY} for methods not in the table. */
    static Access required(String fullMethodName) {
        return REQUIRED.getOrDefault(fullMethodName, Access.ADMIN_ONLY);
    }

    /** Whether {@code fullMethodName} is served without credentials. */
    static boolean isPublic(String fullMethodName) {
        return fullMethodName.startsWith("grpc.health.v1.Health/") || fullMethodName.startsWith("grpc.reflection.");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (isPublic(method)) {
            return next.startCall(call, headers);
        }
        CallAuth auth;
        try {
            auth = new CallAuth(authenticate(headers));
        } catch (RuntimeException e) {
            // Unauthenticated, or Unavailable when the user could not be looked up.
            return new Refusal<>(call, StatusMapping.toStatus(e).getStatus());
        }
        ServerCall<Q, R> answering = new TokenReturningCall<>(call, auth);
        Access access = required(method);
        if (!auth.caller().may(access)) {
            return new Refusal<>(answering, StatusMapping.toStatus(new PermissionDenied(method.substring(method.indexOf('/') + 1)
                    + " requires role " + (access == Access.ADMIN_ONLY ? "ADMIN" : "ADMIN or OPERATIONS"))).getStatus());
        }
        ServerCall.Listener<Q> listener = Contexts.interceptCall(Context.current().withValue(CALLER, auth), answering,
                headers, next);
        boolean guarded = method.equals(SAVE_EVENTS)
                || EVENT_READS.contains(method) && !auth.caller().may(Access.ADMIN_ONLY);
        return guarded ? new AdminBoundaryGuard<>(listener, answering, method) : listener;
    }

    /** The boundary a request names, for the requests that write or read a boundary's events. */
    static Optional<String> boundaryOf(Object request) {
        return switch (request) {
            case SaveEventsRequest save -> Optional.of(save.getBoundary());
            case GetEventsRequest read -> Optional.of(read.getBoundary());
            case GetLatestByCriteriaRequest latest -> Optional.of(latest.getBoundary());
            case CatchUpSubscribeToEventStoreRequest subscribe -> Optional.of(subscribe.getBoundary());
            default -> Optional.empty();
        };
    }

    private Authentication authenticate(Metadata headers) {
        String token = headers.get(AUTH_TOKEN);
        if (token != null && !token.isBlank()) {
            try {
                return authenticator.authenticate(Credentials.token(token));
            } catch (Unauthenticated e) {
                // A client that also sends Basic credentials (after its token expired) is judged by those.
                if (!headers.containsKey(AUTHORIZATION)) {
                    throw e;
                }
            }
        }
        // Read only when needed: a client that sends its token sends no Basic credentials, and each read decodes.
        String authorization = headers.get(AUTHORIZATION);
        if (authorization != null) {
            return authenticator.authenticate(Credentials.basic(authorization));
        }
        throw new Unauthenticated(Authenticator.CREDENTIALS_REQUIRED);
    }

    /** The caller of one call, and the token its response carries; a password change renews the token. */
    static final class CallAuth {
        private final Caller caller;
        private volatile String token;

        CallAuth(Authentication authentication) {
            this.caller = authentication.caller();
            this.token = authentication.token();
        }

        Caller caller() {
            return caller;
        }

        String token() {
            return token;
        }

        /** Makes the response carry {@code newToken} instead, as after a password change revoked the old one. */
        void renew(String newToken) {
            token = newToken;
        }

        @Override
        public String toString() {
            return "CallAuth[" + caller + "]";
        }
    }

    /** Adds the caller's token to the response headers, or to the trailers when no headers were sent. */
    private static final class TokenReturningCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final CallAuth auth;
        private volatile boolean headersSent;

        TokenReturningCall(ServerCall<Q, R> call, CallAuth auth) {
            super(call);
            this.auth = auth;
        }

        @Override
        public void sendHeaders(Metadata headers) {
            headers.discardAll(AUTH_TOKEN);
            headers.put(AUTH_TOKEN, auth.token());
            headersSent = true;
            super.sendHeaders(headers);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (!headersSent) {
                trailers.discardAll(AUTH_TOKEN);
                trailers.put(AUTH_TOKEN, auth.token());
            }
            super.close(status, trailers);
        }
    }

    /**
     * Refuses a call aimed at the admin boundary before the service sees it: a SaveEvents from anyone, or a read
     * from a caller that is not ADMIN (the interceptor guards only those). The refusal is sent once the client has
     * finished sending, as {@link Refusal} explains.
     */
    private final class AdminBoundaryGuard<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private final String method;
        private volatile boolean refused;

        AdminBoundaryGuard(ServerCall.Listener<Q> listener, ServerCall<Q, R> call, String method) {
            super(listener);
            this.call = call;
            this.method = method;
        }

        @Override
        public void onMessage(Q message) {
            if (boundaryOf(message).filter(adminBoundary::equals).isPresent()) {
                refused = true;
                return;
            }
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (refused) {
                String why = method.equals(SAVE_EVENTS)
                        ? "boundary " + adminBoundary + " holds the server's own records and is written only by the server"
                        : method.substring(method.indexOf('/') + 1) + " of boundary " + adminBoundary
                                + " requires role ADMIN: it holds the users and their roles";
                call.close(StatusMapping.toStatus(new PermissionDenied(why)).getStatus(), new Metadata());
            } else {
                super.onHalfClose();
            }
        }
    }

    /**
     * Answers a refused call with {@code status} once the client has sent its request, never before. Closing a
     * stream while the client is still sending makes Helidon's HTTP/2 layer answer the late DATA frame with a
     * connection-wide GOAWAY (PROTOCOL_ERROR), which would fail every other call on the connection. Every RPC here
     * sends one request and half-closes; a client that never does is answered after {@link #PATIENCE}.
     */
    private static final class Refusal<Q, R> extends ServerCall.Listener<Q> {
        private static final Duration PATIENCE = Duration.ofSeconds(10);
        private static final ScheduledThreadPoolExecutor TIMER = timer();

        private final ServerCall<Q, R> call;
        private final Status status;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final ScheduledFuture<?> timeout;

        Refusal(ServerCall<Q, R> call, Status status) {
            this.call = call;
            this.status = status;
            call.request(2);
            timeout = TIMER.schedule(this::close, PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        }

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().name("orisun-auth-refusals").daemon().factory());
            // Nearly every refusal ends long before its timeout; dropping the cancelled ones keeps the queue small.
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }

        @Override
        public void onHalfClose() {
            close();
        }

        @Override
        public void onCancel() {
            closed.set(true);
            timeout.cancel(false);
        }

        @Override
        public void onComplete() {
            closed.set(true);
            timeout.cancel(false);
        }

        private void close() {
            if (closed.compareAndSet(false, true)) {
                timeout.cancel(false);
                call.close(status, new Metadata());
            }
        }
    }
}
