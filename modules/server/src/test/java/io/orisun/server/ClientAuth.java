package io.orisun.server;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.orisun.proto.AdminGrpc;
import io.orisun.proto.CreateUserRequest;
import io.orisun.proto.EventStoreGrpc;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Client-side helpers for the security tests: credentials, captured response metadata, status codes, waiting. */
final class ClientAuth {

    static final Metadata.Key<String> TOKEN = Metadata.Key.of("x-auth-token", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private ClientAuth() {
    }

    /** Sends {@code x-auth-token: token}. */
    static ClientInterceptor token(String token) {
        Metadata headers = new Metadata();
        headers.put(TOKEN, token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** Sends {@code authorization: value} as it is. */
    static ClientInterceptor authorization(String value) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, value);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    static EventStoreGrpc.EventStoreBlockingStub eventStore(TestServer node, ClientInterceptor... credentials) {
        return withDeadline(EventStoreGrpc.newBlockingStub(node.channel()).withInterceptors(credentials));
    }

    static AdminGrpc.AdminBlockingStub admin(TestServer node, ClientInterceptor... credentials) {
        return withDeadline(AdminGrpc.newBlockingStub(node.channel()).withInterceptors(credentials));
    }

    private static <S extends AbstractStub<S>> S withDeadline(S stub) {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The status a call ends with: OK when it returns, the error's code when it throws. */
    static Status.Code code(Runnable call) {
        return status(call).getCode();
    }

    static Status status(Runnable call) {
        try {
            call.run();
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    /** Creates a user through the admin API as the default admin, and answers its id. */
    static String createUser(TestServer node, String username, String password, String... roles) {
        return node.admin().createUser(CreateUserRequest.newBuilder().setName(username).setUsername(username)
                .setPassword(password).addAllRoles(List.of(roles)).build()).getUser().getUserId();
    }

    /** Repeats {@code check} until it passes or {@code timeout} is over; then it must pass once more. */
    static void eventually(Duration timeout, Runnable check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                check.run();
                return;
            } catch (AssertionError | RuntimeException e) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", interrupted);
                }
            }
        }
        check.run();
    }

    /** Records the response headers and trailers of the calls it intercepts. */
    static final class Capture {
        final AtomicReference<Metadata> headers = new AtomicReference<>();
        final AtomicReference<Metadata> trailers = new AtomicReference<>();

        ClientInterceptor interceptor() {
            return MetadataUtils.newCaptureMetadataInterceptor(headers, trailers);
        }

        /** The token in the headers, or else in the trailers. */
        Optional<String> token() {
            return Optional.ofNullable(headers.get()).map(h -> h.get(TOKEN))
                    .or(() -> Optional.ofNullable(trailers.get()).map(t -> t.get(TOKEN)));
        }

        Optional<String> headerToken() {
            return Optional.ofNullable(headers.get()).map(h -> h.get(TOKEN));
        }
    }
}
