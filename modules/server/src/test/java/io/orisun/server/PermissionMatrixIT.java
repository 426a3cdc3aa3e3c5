package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.orisun.proto.AdminGrpc;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Criterion;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.GetLatestByCriteriaRequest;
import io.orisun.proto.Tag;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The permission matrix of reference §5, over every RPC of both services, for a caller with no credentials, an
 * OPERATIONS user and an ADMIN user. Each RPC gets an empty request: the test asserts only whether the call was
 * refused as unauthenticated or forbidden, not what the service answered, so it holds whatever the services do.
 * On top of the matrix, every read of the admin boundary's events needs ADMIN.
 */
class PermissionMatrixIT {

    private enum Needs { ANY_USER, ADMIN_OR_OPERATIONS, ADMIN }

    private enum Caller { NONE, OPERATIONS, ADMIN }

    /** The reference's matrix, written out independently of the server's own table. */
    private static final Map<String, Needs> MATRIX = Map.ofEntries(
            Map.entry("orisun.EventStore/SaveEvents", Needs.ADMIN_OR_OPERATIONS),
            Map.entry("orisun.EventStore/GetEvents", Needs.ANY_USER),
            Map.entry("orisun.EventStore/GetLatestByCriteria", Needs.ANY_USER),
            Map.entry("orisun.EventStore/CatchUpSubscribeToEvents", Needs.ANY_USER),
            Map.entry("orisun.EventStore/Ping", Needs.ANY_USER),
            Map.entry("orisun.EventStore/GetServerInfo", Needs.ANY_USER),
            Map.entry("orisun.EventStore/CreateIndex", Needs.ADMIN),
            Map.entry("orisun.EventStore/DropIndex", Needs.ADMIN),
            Map.entry("orisun.EventStore/ListIndexes", Needs.ADMIN_OR_OPERATIONS),
            Map.entry("orisun.EventStore/GetIndex", Needs.ADMIN_OR_OPERATIONS),
            Map.entry("orisun.EventStore/PublishToPubSub", Needs.ADMIN_OR_OPERATIONS),
            Map.entry("orisun.EventStore/SubscribeToPubSub", Needs.ANY_USER),
            Map.entry("orisun.Admin/CreateBoundary", Needs.ADMIN),
            Map.entry("orisun.Admin/ListBoundaries", Needs.ADMIN_OR_OPERATIONS),
            Map.entry("orisun.Admin/GetBoundary", Needs.ADMIN_OR_OPERATIONS),
            Map.entry("orisun.Admin/CreateUser", Needs.ADMIN),
            Map.entry("orisun.Admin/DeleteUser", Needs.ADMIN),
            Map.entry("orisun.Admin/ChangePassword", Needs.ANY_USER),
            Map.entry("orisun.Admin/ListUsers", Needs.ADMIN),
            Map.entry("orisun.Admin/ValidateCredentials", Needs.ADMIN),
            Map.entry("orisun.Admin/GetUserCount", Needs.ADMIN),
            Map.entry("orisun.Admin/GetEventCount", Needs.ADMIN_OR_OPERATIONS),
            Map.entry("orisun.Admin/CreateIndex", Needs.ADMIN),
            Map.entry("orisun.Admin/DropIndex", Needs.ADMIN),
            Map.entry("orisun.Admin/MoveBoundary", Needs.ADMIN));

    private static final Map<String, MethodDescriptor<?, ?>> METHODS = new HashMap<>();

    @SharedServer
    private static TestServer node;
    private static final Map<Caller, ClientInterceptor[]> CREDENTIALS = new HashMap<>();

    static {
        for (ServiceDescriptor service : new ServiceDescriptor[]{EventStoreGrpc.getServiceDescriptor(),
                AdminGrpc.getServiceDescriptor()}) {
            service.getMethods().forEach(m -> METHODS.put(m.getFullMethodName(), m));
        }
    }

    @BeforeAll
    static void createCallers(TestServer server) {
        ClientAuth.createUser(server, "operator", "operator-password", "OPERATIONS");
        CREDENTIALS.put(Caller.NONE, new ClientInterceptor[0]);
        CREDENTIALS.put(Caller.OPERATIONS, new ClientInterceptor[]{TestServer.basicAuth("operator", "operator-password")});
        CREDENTIALS.put(Caller.ADMIN, new ClientInterceptor[]{TestServer.basicAuth("admin", "changeit")});
    }

    @Test
    void the_matrix_covers_every_rpc_of_both_services() {
        assertThat(MATRIX.keySet()).containsExactlyInAnyOrderElementsOf(METHODS.keySet());
    }

    static Stream<Arguments> calls() {
        return MATRIX.keySet().stream().sorted()
                .flatMap(method -> Arrays.stream(Caller.values()).map(caller -> Arguments.of(method, caller)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("calls")
    void each_rpc_admits_exactly_the_roles_of_the_matrix(String method, Caller caller) throws Exception {
        Status status = call(METHODS.get(method), ClientInterceptors.intercept(node.channel(), CREDENTIALS.get(caller)));
        Needs needs = MATRIX.get(method);
        if (caller == Caller.NONE) {
            assertThat(status.getCode()).as("%s", status).isEqualTo(Status.Code.UNAUTHENTICATED);
        } else if (caller == Caller.OPERATIONS && needs == Needs.ADMIN) {
            assertThat(status.getCode()).as("%s", status).isEqualTo(Status.Code.PERMISSION_DENIED);
        } else {
            assertThat(status.getCode()).as("%s as %s passes authentication and authorization: %s", method, caller, status)
                    .isNotIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
        }
    }

    /** Every RPC that reads a boundary's events, each with a valid request for the admin boundary. */
    static Stream<Arguments> readsOfTheAdminBoundary() {
        String admin = "orisun_admin";
        Criterion anyUserEvent = Criterion.newBuilder().addTags(Tag.newBuilder().setKey("eventType")
                .setValue("$UserCreated")).build();
        return Stream.of(
                Arguments.of(EventStoreGrpc.getGetEventsMethod(),
                        GetEventsRequest.newBuilder().setBoundary(admin).setCount(100).build()),
                Arguments.of(EventStoreGrpc.getGetLatestByCriteriaMethod(),
                        GetLatestByCriteriaRequest.newBuilder().setBoundary(admin).addCriteria(anyUserEvent).build()),
                Arguments.of(EventStoreGrpc.getCatchUpSubscribeToEventsMethod(),
                        CatchUpSubscribeToEventStoreRequest.newBuilder().setBoundary(admin)
                                .setSubscriberName("permission-matrix").build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readsOfTheAdminBoundary")
    void only_an_admin_reads_the_admin_boundary(MethodDescriptor<?, ?> method, Message request) throws Exception {
        Channel asOperations = ClientInterceptors.intercept(node.channel(), CREDENTIALS.get(Caller.OPERATIONS));
        Status refused = call(method, asOperations, request);
        assertThat(refused.getCode()).as("%s", refused).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refused.getDescription()).contains("orisun_admin").contains("requires role ADMIN");

        Channel asAdmin = ClientInterceptors.intercept(node.channel(), CREDENTIALS.get(Caller.ADMIN));
        Status allowed = call(method, asAdmin, request);
        assertThat(allowed.getCode()).as("%s", allowed).isEqualTo(Status.Code.OK);

        Message otherBoundary = request.toBuilder()
                .setField(request.getDescriptorForType().findFieldByName("boundary"), "orisun_test_1").build();
        Status elsewhere = call(method, asOperations, otherBoundary);
        assertThat(elsewhere.getCode()).as("OPERATIONS still reads other boundaries: %s", elsewhere)
                .isEqualTo(Status.Code.OK);
    }

    @Test
    void an_admin_reading_the_admin_boundary_sees_the_users() {
        assertThat(node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("orisun_admin").setCount(1000)
                .build()).getEventsList()).anyMatch(e -> e.getData().contains("operator"));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Status call(MethodDescriptor method, Channel channel) throws Exception {
        return call(method, channel,
                (Message) ((MethodDescriptor.PrototypeMarshaller) method.getRequestMarshaller()).getMessagePrototype());
    }

    /**
     * Calls {@code method} with {@code request} and answers how it ended. A stream still open after a few seconds,
     * or one that delivered a message, got past the interceptor, which refuses at once; it counts as OK and is then
     * cancelled. Finished calls are never cancelled: a cancel racing the end of a call sends a late RST_STREAM, which
     * Helidon answers with a GOAWAY that fails the next call.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Status call(MethodDescriptor method, Channel channel, Message request) throws Exception {
        ClientCall call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        boolean unary = method.getType() == MethodDescriptor.MethodType.UNARY;
        CompletableFuture<Status> outcome = new CompletableFuture<>();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        StreamObserver observer = new StreamObserver<Object>() {
            @Override
            public void onNext(Object value) {
                if (!unary) {
                    outcome.complete(Status.OK);
                }
            }

            @Override
            public void onError(Throwable t) {
                finished.complete(null);
                outcome.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                finished.complete(null);
                outcome.complete(Status.OK);
            }
        };
        if (unary) {
            ClientCalls.asyncUnaryCall(call, request, observer);
        } else {
            ClientCalls.asyncServerStreamingCall(call, request, observer);
        }
        try {
            return outcome.get(unary ? 30 : 5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return Status.OK;
        } finally {
            if (!finished.isDone()) {
                call.cancel("the test has its answer", null);
            }
        }
    }
}
