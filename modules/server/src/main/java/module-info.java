/**
 * The Orisun-J server: reads the {@code ORISUN_*} configuration, starts embedded PostgreSQL and NATS when no
 * external ones are configured, wires the core modules together, and serves them over gRPC with Helidon SE.
 * It is the only module that sees Helidon, gRPC and the environment.
 */
module io.orisun.server {
    requires transitive io.orisun.api;
    requires io.orisun.proto;
    requires io.orisun.ccc;
    requires io.orisun.publisher;
    requires io.orisun.index;
    requires io.orisun.auth;
    requires io.orisun.transport;
    requires io.orisun.embedded;

    requires io.helidon.webserver;
    requires io.helidon.webserver.grpc;
    requires io.helidon.webserver.http2;
    requires io.helidon.common.tls;
    requires io.grpc.services;
    requires com.fasterxml.jackson.databind;
    requires java.sql;
    requires com.zaxxer.hikari;
    requires io.nats.jnats;
    requires java.management;
    requires jdk.jfr;
    requires jdk.management;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires io.opentelemetry.sdk;
    requires io.opentelemetry.sdk.trace;
    requires io.opentelemetry.sdk.common;
    requires io.opentelemetry.exporter.otlp;
    requires io.opentelemetry.common;

    exports io.orisun.server;
}
