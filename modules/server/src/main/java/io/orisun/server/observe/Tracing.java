package io.orisun.server.observe;

import io.orisun.server.config.OtelConfig;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.List;
import java.util.Optional;

/**
 * The node's tracer. With tracing off (the default) it is OpenTelemetry's no-op tracer: spans cost a few
 * allocations and nothing is exported, so a node without a collector logs nothing about tracing. With it on,
 * spans are batched and exported over OTLP/gRPC or OTLP/HTTP to {@link OtelConfig#endpoint()} (see
 * {@link OtelConfig#grpc()}).
 */
public final class Tracing implements AutoCloseable {

    private static final String INSTRUMENTATION = "io.orisun.server";
    private static final System.Logger LOG = System.getLogger(Tracing.class.getName());

    private final Tracer tracer;
    private final Optional<SdkTracerProvider> provider;

    private Tracing(Tracer tracer, Optional<SdkTracerProvider> provider) {
        this.tracer = tracer;
        this.provider = provider;
    }

    /** The tracer {@code config} asks for. */
    public static Tracing create(OtelConfig config) {
        if (!config.enabled()) {
            return new Tracing(OpenTelemetry.noop().getTracer(INSTRUMENTATION), Optional.empty());
        }
        return exporting(config.serviceName(), BatchSpanProcessor.builder(exporter(config)).build());
    }

    /** The span exporter of an enabled {@code config}: OTLP/gRPC or OTLP/HTTP, as {@link OtelConfig#grpc()} says. */
    static SpanExporter exporter(OtelConfig config) {
        if (config.grpc()) {
            String endpoint = grpcEndpoint(config.endpoint());
            LOG.log(System.Logger.Level.INFO, "tracing: exporting spans over OTLP/gRPC to {0}", endpoint);
            return OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).setComponentLoader(new GrpcSenderLoader())
                    .build();
        }
        String endpoint = endpointUrl(config.endpoint());
        LOG.log(System.Logger.Level.INFO, "tracing: exporting spans over OTLP/HTTP to {0}", endpoint);
        return OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build();
    }

    /**
     * The URL the OTLP/gRPC exporter takes for a configured gRPC endpoint: {@code grpc://} becomes {@code http://}
     * (plaintext), {@code grpcs://} becomes {@code https://}, a bare {@code host:port} gets {@code http://}; any path
     * is dropped, since OTLP/gRPC has none.
     */
    public static String grpcEndpoint(String endpoint) {
        String lower = endpoint.toLowerCase(java.util.Locale.ROOT);
        String scheme = lower.startsWith("grpcs://") || lower.startsWith("https://") ? "https://" : "http://";
        String authority = endpoint.contains("://") ? endpoint.substring(endpoint.indexOf("://") + 3) : endpoint;
        int slash = authority.indexOf('/');
        return scheme + (slash < 0 ? authority : authority.substring(0, slash));
    }

    /** A tracer that hands every ended span to {@code exporter} at once, such as an in-memory one. */
    public static Tracing exportingTo(String serviceName, SpanExporter exporter) {
        return exporting(serviceName, SimpleSpanProcessor.create(exporter));
    }

    private static Tracing exporting(String serviceName, SpanProcessor processor) {
        Resource resource = Resource.getDefault()
                .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), serviceName)));
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource).addSpanProcessor(processor).build();
        return new Tracing(provider.get(INSTRUMENTATION), Optional.of(provider));
    }

    /**
     * The OTLP/HTTP traces URL for a configured endpoint: {@code host:port} and {@code http(s)://host:port} get
     * the {@code /v1/traces} path; a URL with a path is used as it is.
     */
    public static String endpointUrl(String endpoint) {
        String url = endpoint.contains("://") ? endpoint : "http://" + endpoint;
        int hostStart = url.indexOf("://") + 3;
        return url.indexOf('/', hostStart) < 0 ? url + "/v1/traces" : url;
    }

    /** Gives the OTLP/gRPC exporter {@link OtlpGrpcSender} as its transport, and everything else as usual. */
    private static final class GrpcSenderLoader implements ComponentLoader {

        private final ComponentLoader usual = ComponentLoader.forClassLoader(Tracing.class.getClassLoader());

        @Override
        public <T> Iterable<T> load(Class<T> type) {
            if (type == GrpcSenderProvider.class) {
                return List.of(type.cast(new OtlpGrpcSender.Provider()));
            }
            return usual.load(type);
        }
    }

    public Tracer tracer() {
        return tracer;
    }

    /** Exports the spans still buffered and stops the exporter. */
    @Override
    public void close() {
        provider.ifPresent(SdkTracerProvider::close);
    }
}
