package io.orisun.server.observe;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.orisun.transport.RawBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sends OpenTelemetry's OTLP/gRPC export requests through a grpc-java channel. The OTLP exporter serialises each
 * request itself and needs only a transport for one unary call; the OpenTelemetry artifacts that would provide one
 * (OkHttp or grpc-java based) are not among the project's dependencies, while grpc-java already is.
 */
public final class OtlpGrpcSender implements GrpcSender {

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = RawBytes.MARSHALLER;

    private final ManagedChannel channel;
    private final MethodDescriptor<byte[], byte[]> method;
    private final GrpcSenderConfig config;

    private OtlpGrpcSender(GrpcSenderConfig config) {
        URI endpoint = config.getEndpoint();
        ChannelCredentials credentials = "https".equals(endpoint.getScheme()) ? TlsChannelCredentials.create()
                : InsecureChannelCredentials.create();
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : ("https".equals(endpoint.getScheme()) ? 443 : 80);
        this.channel = Grpc.newChannelBuilderForAddress(endpoint.getHost(), port, credentials).build();
        this.method = MethodDescriptor.newBuilder(BYTES, BYTES)
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(config.getFullMethodName())
                .build();
        this.config = config;
    }

    /** Creates the sender for each OTLP/gRPC exporter. */
    static final class Provider implements GrpcSenderProvider {
        @Override
        public GrpcSender createSender(GrpcSenderConfig config) {
            return new OtlpGrpcSender(config);
        }
    }

    @Override
    public void send(MessageWriter writer, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
        byte[] request;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(writer.getContentLength());
            writer.writeMessage(out);
            request = out.toByteArray();
        } catch (IOException e) {
            onError.accept(e);
            return;
        }
        Metadata headers = new Metadata();
        Map<String, List<String>> extra = config.getHeadersSupplier() == null ? Map.of()
                : config.getHeadersSupplier().get();
        extra.forEach((name, values) -> values.forEach(value ->
                headers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value)));
        CallOptions options = CallOptions.DEFAULT;
        if (config.getTimeout() != null && config.getTimeout().isPositive()) {
            options = options.withDeadlineAfter(config.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        ClientCall<byte[], byte[]> call = io.grpc.ClientInterceptors
                .intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers))
                .newCall(method, options);
        ClientCalls.asyncUnaryCall(call, request, new StreamObserver<>() {
            private byte[] response = new byte[0];

            @Override
            public void onNext(byte[] value) {
                response = value;
            }

            @Override
            public void onError(Throwable t) {
                if (t instanceof StatusRuntimeException failed) {
                    onResponse.accept(new Response(GrpcStatusCode.fromValue(failed.getStatus().getCode().value()),
                            String.valueOf(failed.getStatus().getDescription()), new byte[0]));
                } else {
                    onError.accept(t);
                }
            }

            @Override
            public void onCompleted() {
                onResponse.accept(new Response(GrpcStatusCode.OK, "", response));
            }
        });
    }

    @Override
    public CompletableResultCode shutdown() {
        channel.shutdown();
        return CompletableResultCode.ofSuccess();
    }

    private record Response(GrpcStatusCode statusCode, String statusDescription, byte[] responseMessage)
            implements GrpcResponse {
        @Override
        public GrpcStatusCode getStatusCode() {
            return statusCode;
        }

        @Override
        public String getStatusDescription() {
            return statusDescription;
        }

        @Override
        public byte[] getResponseMessage() {
            return responseMessage;
        }
    }
}
