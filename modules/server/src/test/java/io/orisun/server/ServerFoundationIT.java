package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.orisun.proto.GetServerInfoRequest;
import io.orisun.proto.GetServerInfoResponse;
import io.orisun.proto.PingRequest;
import io.orisun.proto.ServerCapability;
import io.orisun.proto.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerFoundationIT {

    @SharedServer
    private static TestServer node;

    @Test
    void reflection_lists_each_service_once() throws Exception {
        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(node.channel())
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        services.complete(response.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        List<String> names = services.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        // Helidon's reflection lists one entry per method; ReflectionServiceList leaves one per service.
        assertThat(names).containsExactlyInAnyOrder("orisun.EventStore", "orisun.Admin", "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    }

    @Test
    void ping_answers() {
        assertThat(node.eventStore().ping(PingRequest.getDefaultInstance())).isNotNull();
    }

    @Test
    void server_info_reports_the_build_version_the_backend_and_the_capabilities() {
        GetServerInfoResponse info = node.eventStore().getServerInfo(GetServerInfoRequest.getDefaultInstance());
        assertThat(info.getVersion()).isEqualTo(BuildInfo.current().version()).isNotBlank();
        assertThat(info.getBackend()).isEqualTo(StorageBackend.STORAGE_BACKEND_POSTGRES);
        assertThat(info.getNodeId()).isEqualTo(node.server().nodeId());
        assertThat(info.getCapabilitiesList()).contains(ServerCapability.SERVER_CAPABILITY_COMMAND_CONTEXT_CONSISTENCY);
    }

    @Test
    void a_method_the_contract_does_not_have_answers_unimplemented() {
        io.grpc.MethodDescriptor<PingRequest, PingRequest> unknown =
                io.grpc.MethodDescriptor.<PingRequest, PingRequest>newBuilder()
                .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("orisun.EventStore/NoSuchMethod")
                .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(PingRequest.getDefaultInstance()))
                .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(PingRequest.getDefaultInstance()))
                .build();
        io.grpc.Channel channel =
                io.grpc.ClientInterceptors.intercept(node.channel(), TestServer.basicAuth("admin", "changeit"));
        assertThatThrownBy(() -> io.grpc.stub.ClientCalls.blockingUnaryCall(channel, unknown,
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), PingRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    }

    @Test
    void grpc_health_reports_serving_for_the_server_and_both_services() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(node.channel());
        for (String service : List.of("", "orisun.EventStore", "orisun.Admin")) {
            HealthCheckResponse response = health.check(HealthCheckRequest.newBuilder().setService(service).build());
            assertThat(response.getStatus()).as("health of '%s'", service).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
    }

    @Test
    void http_liveness_and_readiness_answer_200_when_postgres_and_nats_are_reachable() throws Exception {
        assertThat(get(node.adminUrl("/health/live")).code()).isEqualTo(200);
        HttpAnswer ready = get(node.adminUrl("/health/ready"));
        assertThat(ready.code()).isEqualTo(200);
        assertThat(ready.body()).contains("\"postgres\":\"UP\"", "\"nats\":\"UP\"");
    }

    record HttpAnswer(int code, String body) {
    }

    static HttpAnswer get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            int code = connection.getResponseCode();
            try (InputStream in = code < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                return new HttpAnswer(code, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            connection.disconnect();
        }
    }
}
