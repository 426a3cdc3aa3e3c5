package io.orisun.server.config;

import java.util.Objects;

/**
 * OpenTelemetry trace export.
 *
 * @param enabled     whether traces are exported; off by default, because an exporter without a collector fails
 *                    on every batch
 * @param endpoint    the collector's endpoint: OTLP/gRPC for a {@code grpc://} or {@code grpcs://} URL or any endpoint
 *                    on port 4317 (Orisun's form, for example {@code localhost:4317}), OTLP/HTTP otherwise (for
 *                    example {@code localhost:4318} or {@code http://collector:4318/v1/traces})
 * @param serviceName the service name attached to exported traces
 */
public record OtelConfig(boolean enabled, String endpoint, String serviceName) {

    /** @throws IllegalArgumentException when the endpoint or service name is blank */
    public OtelConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(serviceName, "serviceName");
        if (endpoint.isBlank() || serviceName.isBlank()) {
            throw new IllegalArgumentException("OpenTelemetry endpoint and service name must not be blank");
        }
    }

    /** The OTLP/gRPC port, which Orisun's default endpoint uses. */
    static final int OTLP_GRPC_PORT = 4317;

    /**
     * Whether spans go over OTLP/gRPC: the endpoint is a {@code grpc://} or {@code grpcs://} URL, or names port
     * {@value #OTLP_GRPC_PORT} ({@code host:4317}, {@code http://host:4317}, {@code https://host:4317}).
     */
    public boolean grpc() {
        String lower = endpoint.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("grpc://") || lower.startsWith("grpcs://")) {
            return true;
        }
        String authority = lower.contains("://") ? lower.substring(lower.indexOf("://") + 3) : lower;
        int slash = authority.indexOf('/');
        authority = slash < 0 ? authority : authority.substring(0, slash);
        return authority.endsWith(":" + OTLP_GRPC_PORT);
    }
}
