package io.orisun.server;

import static io.orisun.server.ClientAuth.code;
import static io.orisun.server.ClientAuth.eventually;
import static io.orisun.server.ClientAuth.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.orisun.proto.ChangePasswordRequest;
import io.orisun.proto.CreateUserRequest;
import io.orisun.proto.DeleteUserRequest;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.GetServerInfoRequest;
import io.orisun.proto.PingRequest;
import io.orisun.proto.SaveEventsRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Authentication through gRPC: credentials, tokens across nodes and restarts, revocation, brute force. */
class AuthIT {

    /** Other nodes learn of a change from the admin boundary's log within a few seconds; this is generous. */
    private static final Duration PROPAGATION = Duration.ofSeconds(30);

    @SharedServer
    private static TestServer node;

    private static String tokenOf(TestServer server, io.grpc.ClientInterceptor credentials) {
        ClientAuth.Capture capture = new ClientAuth.Capture();
        ClientAuth.eventStore(server, credentials, capture.interceptor()).ping(PingRequest.getDefaultInstance());
        return capture.headerToken().orElseThrow(() -> new AssertionError("no x-auth-token header"));
    }

    private static void ping(TestServer server, io.grpc.ClientInterceptor credentials) {
        ClientAuth.eventStore(server, credentials).ping(PingRequest.getDefaultInstance());
    }

    @Test
    void a_call_without_credentials_is_unauthenticated_with_a_short_reason() {
        Status status = ClientAuth.status(() -> ClientAuth.eventStore(node).ping(PingRequest.getDefaultInstance()));
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(status.getDescription()).isEqualTo("credentials required");
    }

    @Test
    void every_kind_of_wrong_credentials_gets_the_same_answer() {
        String validToken = tokenOf(node, TestServer.basicAuth("admin", "changeit"));
        List<io.grpc.ClientInterceptor> wrong = List.of(
                TestServer.basicAuth("admin", "wrong-password"),
                TestServer.basicAuth("no-such-user", "changeit"),
                ClientAuth.authorization("Basic !!!not-base64"),
                ClientAuth.authorization("Basic "
                        + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8))),
                ClientAuth.authorization("Bearer " + validToken),
                token("v1.forged.token"),
                token(validToken.substring(0, validToken.length() - 2) + "xx"));
        for (io.grpc.ClientInterceptor credentials : wrong) {
            Status status = ClientAuth.status(() -> ping(node, credentials));
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(status.getDescription()).isEqualTo("invalid credentials");
        }
    }

    @Test
    void refused_calls_never_disturb_other_calls_on_the_same_connection() throws Exception {
        String valid = tokenOf(node, TestServer.basicAuth("admin", "changeit"));
        List<Future<List<Status.Code>>> workers = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                workers.add(threads.submit(() -> {
                    List<Status.Code> codes = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        codes.add(code(() -> ping(node, token("v1.not.valid"))));
                        codes.add(code(() -> ping(node, token(valid))));
                    }
                    return codes;
                }));
            }
        }
        for (Future<List<Status.Code>> worker : workers) {
            List<Status.Code> codes = worker.get();
            for (int i = 0; i < codes.size(); i += 2) {
                assertThat(codes.get(i)).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(codes.get(i + 1)).isEqualTo(Status.Code.OK);
            }
        }
    }

    @Test
    void an_authenticated_response_carries_a_token_that_authenticates_on_its_own() {
        String issued = tokenOf(node, TestServer.basicAuth("admin", "changeit"));
        assertThat(issued).isNotBlank();
        ClientAuth.Capture capture = new ClientAuth.Capture();
        ClientAuth.eventStore(node, token(issued), capture.interceptor())
                .getServerInfo(GetServerInfoRequest.getDefaultInstance());
        assertThat(capture.headerToken()).as("the same token comes back while it is fresh").contains(issued);
    }

    @Test
    void a_failed_call_of_an_authenticated_caller_still_returns_the_token() {
        ClientAuth.Capture capture = new ClientAuth.Capture();
        Status.Code result = code(() -> ClientAuth.eventStore(node, TestServer.basicAuth("admin", "changeit"),
                        capture.interceptor())
                .getEvents(GetEventsRequest.newBuilder().setBoundary("orisun_test_1").setCount(0).build()));
        assertThat(result).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(capture.token()).isPresent();
    }

    @Test
    void health_needs_no_credentials() {
        HealthCheckResponse response = HealthGrpc.newBlockingStub(node.channel())
                .check(HealthCheckRequest.newBuilder().setService("orisun.EventStore").build());
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void the_node_client_start_up_works_with_the_default_admin() {
        String tokenFromPing = tokenOf(node, TestServer.basicAuth("admin", "changeit"));
        assertThat(ClientAuth.eventStore(node, token(tokenFromPing))
                .getEvents(GetEventsRequest.newBuilder().setBoundary("orisun_admin").setCount(1).build())
                .getEventsCount()).isEqualTo(1);
    }

    @Test
    void no_client_may_write_to_the_admin_boundary_not_even_an_admin() {
        String forged = "{\"user_id\":\"evil\",\"username\":\"mallory\",\"roles\":[\"ADMIN\"]}";
        Status status = ClientAuth.status(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder()
                .setBoundary("orisun_admin")
                .addEvents(EventToSave.newBuilder().setEventId("forged-1").setEventType("$UserCreated").setData(forged))
                .build()));
        assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("orisun_admin").setCount(1000)
                .build()).getEventsList()).noneMatch(e -> e.getEventId().equals("forged-1"));
        assertThat(code(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("orisun_test_1")
                .addEvents(EventToSave.newBuilder().setEventId("allowed-1").setEventType("Fine").setData("{}")).build())))
                .as("other boundaries stay writable").isEqualTo(Status.Code.OK);
    }

    @Test
    void a_token_works_on_a_sibling_node_and_after_the_node_that_issued_it_restarts() {
        String fromFirst = tokenOf(node, TestServer.basicAuth("admin", "changeit"));
        String fromSibling;
        try (TestServer sibling = node.sibling()) {
            ping(sibling, token(fromFirst));
            fromSibling = tokenOf(sibling, TestServer.basicAuth("admin", "changeit"));
        }
        try (TestServer restarted = node.sibling()) {
            ping(restarted, token(fromSibling));
            ping(restarted, token(fromFirst));
        }
    }

    @Test
    void a_password_change_and_a_deletion_revoke_tokens_on_both_nodes() {
        String userId = ClientAuth.createUser(node, "revocable", "first-password", "OPERATIONS");
        try (TestServer sibling = node.sibling()) {
            String original = tokenOf(node, TestServer.basicAuth("revocable", "first-password"));
            ping(sibling, token(original));

            ClientAuth.Capture capture = new ClientAuth.Capture();
            ClientAuth.admin(node, token(original), capture.interceptor()).changePassword(ChangePasswordRequest.newBuilder()
                    .setUserId(userId).setCurrentPassword("first-password").setNewPassword("second-password").build());
            String renewed = capture.headerToken().orElseThrow();
            assertThat(renewed).as("the change hands out a token for the new password").isNotEqualTo(original);

            assertThat(code(() -> ping(node, token(original)))).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(code(() -> ping(node, TestServer.basicAuth("revocable", "first-password"))))
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
            ping(node, token(renewed));
            eventually(PROPAGATION, () -> {
                assertThat(code(() -> ping(sibling, token(original)))).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(code(() -> ping(sibling, TestServer.basicAuth("revocable", "first-password"))))
                        .isEqualTo(Status.Code.UNAUTHENTICATED);
                ping(sibling, token(renewed));
                ping(sibling, TestServer.basicAuth("revocable", "second-password"));
            });

            node.admin().deleteUser(DeleteUserRequest.newBuilder().setUserId(userId).build());
            assertThat(code(() -> ping(node, token(renewed)))).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(code(() -> ping(node, TestServer.basicAuth("revocable", "second-password"))))
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
            eventually(PROPAGATION, () -> {
                assertThat(code(() -> ping(sibling, token(renewed)))).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(code(() -> ping(sibling, TestServer.basicAuth("revocable", "second-password"))))
                        .isEqualTo(Status.Code.UNAUTHENTICATED);
            });
        }
    }

    @Test
    void of_sixteen_concurrent_creations_of_one_username_exactly_one_succeeds() throws Exception {
        int count = 16;
        CyclicBarrier barrier = new CyclicBarrier(count);
        List<Future<Status.Code>> outcomes = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(count)) {
            for (int i = 0; i < count; i++) {
                int n = i;
                outcomes.add(threads.submit(() -> {
                    barrier.await();
                    return code(() -> node.admin().createUser(CreateUserRequest.newBuilder().setName("Racer " + n)
                            .setUsername("racer").setPassword("password-" + n).addRoles("OPERATIONS").build()));
                }));
            }
        }
        List<Status.Code> codes = new ArrayList<>();
        for (Future<Status.Code> outcome : outcomes) {
            codes.add(outcome.get());
        }
        assertThat(codes).filteredOn(c -> c == Status.Code.OK).hasSize(1);
        assertThat(codes).filteredOn(c -> c == Status.Code.ALREADY_EXISTS).hasSize(count - 1);
    }

    @Test
    void repeated_wrong_passwords_lock_that_username_for_a_while_and_no_other() {
        ClientAuth.createUser(node, "victim", "victim-password", "OPERATIONS");
        ClientAuth.createUser(node, "bystander", "bystander-password", "OPERATIONS");
        long lockedAt = 0;
        for (int i = 0; i < 5; i++) {
            assertThat(code(() -> ping(node, TestServer.basicAuth("victim", "guess-" + System.nanoTime()))))
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
            lockedAt = System.nanoTime();
        }
        Status.Code whileLocked = code(() -> ping(node, TestServer.basicAuth("victim", "victim-password")));
        // The first lock lasts one second; only a machine stalled for most of it could reach the check too late.
        if (System.nanoTime() - lockedAt < Duration.ofMillis(800).toNanos()) {
            assertThat(whileLocked).as("the right password is refused while the username is locked")
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        ping(node, TestServer.basicAuth("bystander", "bystander-password"));
        eventually(Duration.ofSeconds(20), () -> ping(node, TestServer.basicAuth("victim", "victim-password")));
    }
}
