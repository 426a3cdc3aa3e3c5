package io.orisun.server;

import java.util.Objects;

/**
 * OpenTelemetry trace export.
 *
 * @param enabled     whether traces are exported; off by default, because an exporter without a collector fails
 *                    on every batch
 * @param endpoint    the collector's OTLP/HTTP endpoint, for example {@code localhost:4318} or
 *                    {@code http://collector:4318/v1/traces}
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
}
