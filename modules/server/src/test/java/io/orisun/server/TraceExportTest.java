package io.orisun.server;

import io.orisun.server.config.OtelConfig;
import io.orisun.server.observe.Tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.webserver.WebServer;
import io.orisun.transport.RawBytes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Spans reach a collector over OTLP/gRPC or OTLP/HTTP, chosen from the endpoint as Orisun's configurations use it. */
class TraceExportTest {

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = RawBytes.MARSHALLER;

    @Test
    void a_grpc_endpoint_or_port_4317_means_otlp_over_grpc_and_anything_else_otlp_over_http() {
        for (String grpc : List.of("localhost:4317", "http://collector:4317", "https://collector:4317",
                "grpc://collector:9999", "grpcs://collector:443", "GRPC://collector:4317")) {
            assertThat(new OtelConfig(true, grpc, "orisun").grpc()).as(grpc).isTrue();
        }
        for (String http : List.of("localhost:4318", "http://collector:4318/v1/traces", "https://otel.example",
                "collector:43170", "http://collector:4318/path/4317")) {
            assertThat(new OtelConfig(true, http, "orisun").grpc()).as(http).isFalse();
        }
        assertThat(Tracing.grpcEndpoint("localhost:4317")).isEqualTo("http://localhost:4317");
        assertThat(Tracing.grpcEndpoint("grpc://collector:4317")).isEqualTo("http://collector:4317");
        assertThat(Tracing.grpcEndpoint("grpcs://collector:4317")).isEqualTo("https://collector:4317");
        assertThat(Tracing.grpcEndpoint("https://collector:4317/")).isEqualTo("https://collector:4317");
    }

    @Test
    void spans_reach_an_otlp_grpc_collector() throws Exception {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        MethodDescriptor<byte[], byte[]> export = MethodDescriptor.newBuilder(BYTES, BYTES)
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
                .build();
        Server collector = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
                        .addMethod(export, ServerCalls.asyncUnaryCall((request, response) -> {
                            received.add(request);
                            // An empty ExportTraceServiceResponse: everything was accepted.
                            response.onNext(new byte[0]);
                            response.onCompleted();
                        }))
                        .build())
                .build()
                .start();
        try {
            exportOneSpan("grpc://127.0.0.1:" + collector.getPort(), "orisun-grpc-probe", "probe-over-grpc");
        } finally {
            collector.shutdownNow();
        }
        assertThat(received).hasSize(1);
        String request = new String(received.getFirst(), StandardCharsets.ISO_8859_1);
        assertThat(request).contains("probe-over-grpc").contains("orisun-grpc-probe");
    }

    @Test
    void spans_reach_an_otlp_http_collector() throws Exception {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        WebServer collector = WebServer.builder().port(0).host("127.0.0.1")
                .routing(routing -> routing.post("/v1/traces", (request, response) -> {
                    received.add(request.content().as(byte[].class));
                    response.headers().contentType(MediaTypes.create("application/x-protobuf"));
                    response.send(new byte[0]);
                }))
                .build()
                .start();
        try {
            exportOneSpan("127.0.0.1:" + collector.port(), "orisun-http-probe", "probe-over-http");
        } finally {
            collector.stop();
        }
        assertThat(received).hasSize(1);
        String request = new String(received.getFirst(), StandardCharsets.ISO_8859_1);
        assertThat(request).contains("probe-over-http").contains("orisun-http-probe");
    }

    /** Ends one span named {@code span} on a tracer exporting to {@code endpoint}; closing it flushes the batch. */
    private static void exportOneSpan(String endpoint, String service, String span) {
        try (Tracing tracing = Tracing.create(new OtelConfig(true, endpoint, service))) {
            tracing.tracer().spanBuilder(span).startSpan().end();
        }
    }
}
