package io.orisun.server.config;

import io.orisun.embedded.NatsSettings;

import io.orisun.api.RequestLimits;
import io.orisun.auth.AuthSettings;
import io.orisun.publisher.StreamSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The configuration as the start-up banner shows it: where each part listens or connects, the boundaries, the node. */
final class ConfigSummary {

    private ConfigSummary() {
    }

    /** A few lines, one per part. Secrets are left out, and credentials inside URLs are masked. */
    static String of(OrisunConfig config) {
        GrpcConfig grpc = config.grpc();
        PostgresConfig postgres = config.postgres();
        NatsConfig nats = config.nats();
        StreamSettings stream = config.publisher().stream();
        AuthSettings auth = config.auth();
        RequestLimits limits = config.limits();
        List<String> lines = new ArrayList<>();
        String tls = config.tls()
                .map(on -> "on" + (on.clientCaFile().isPresent() ? " with client certificates" : "")).orElse("off");
        lines.add("gRPC        port " + grpc.port() + ", TLS " + tls
                + ", reflection " + (grpc.reflectionEnabled() ? "on" : "off")
                + ", messages up to " + bytes(grpc.maxReceiveMessageBytes()));
        lines.add("PostgreSQL  " + (postgres.embedded()
                ? "embedded on port " + postgres.port() + ", database " + postgres.database()
                : postgres.user() + "@" + postgres.host().orElseThrow() + ":" + postgres.port() + "/"
                        + postgres.database() + ", sslmode " + postgres.sslMode())
                + ", LISTEN/NOTIFY " + (postgres.listenEnabled() ? "on" : "off")
                + (postgres.poolMode() == PostgresConfig.PoolMode.TRANSACTION ? ", behind a transaction-mode pooler" : "")
                + ", prepare threshold " + postgres.prepareThreshold());
        if (postgres.separateDirectEndpoint()) {
            lines.add("PG direct   " + postgres.directHost().orElse(postgres.host().orElse("localhost")) + ":"
                    + postgres.directPort() + " for migrations, index builds, the admin pool and publisher sessions");
        }
        lines.add("pools       write " + pool(postgres.writePool()) + ", read " + pool(postgres.readPool())
                + ", admin " + pool(postgres.adminPool()) + " (open/idle)");
        config.servers().forEach((name, server) -> lines.add("PG server   " + name + ": " + server.user() + "@"
                + server.host().orElseThrow() + ":" + server.port() + "/" + server.database() + ", sslmode "
                + server.sslMode() + (server.separateDirectEndpoint() ? ", direct " + server.directHost()
                .orElse(server.host().orElseThrow()) + ":" + server.directPort() : "")));
        lines.add("boundaries  " + config.boundaries().boundaries().stream()
                .map(b -> b.name() + " (schema " + b.schema() + (config.servers().isEmpty() ? ""
                        : ", server " + b.server()) + ")").collect(Collectors.joining(", "))
                + "; admin boundary " + config.boundaries().adminBoundary());
        lines.add("NATS        " + nats.url().map(url -> "external " + OrisunConfig.maskCredentials(url)
                        + (nats.access().tlsCaFile().isPresent() ? " over TLS" : ""))
                .orElseGet(() -> "embedded nats-server '" + nats.serverName() + "' on " + nats.access().host() + ":"
                        + nats.port() + (nats.access().serverTls() ? " with TLS" : "") + ", store " + nats.storeDir())
                + ", streams keep " + (stream.maxAge().isZero() ? "messages without age limit"
                : GoDuration.format(stream.maxAge())) + ", " + stream.replicas() + " replica(s)");
        if (nats.embedded() && nats.cluster().isPresent()) {
            NatsSettings.Cluster cluster = nats.cluster().get();
            lines.add("NATS route  cluster '" + cluster.name() + "' on " + cluster.host() + ":" + cluster.port()
                    + ", routes " + (cluster.routes().isEmpty() ? "none" : cluster.routes().stream()
                    .map(OrisunConfig::maskCredentials).collect(Collectors.joining(", "))));
        }
        lines.add("admin       port " + config.adminPort() + ", administrator '" + auth.adminUsername()
                + "', sessions expire after " + GoDuration.format(auth.sessionTtl()) + " idle");
        lines.add("limits      " + limits.criteria() + " criteria of " + limits.tagsPerCriterion() + " tags per query, "
                + limits.eventsPerSave() + " events per save, data up to " + bytes(limits.eventDataBytes())
                + ", write budget " + GoDuration.format(limits.writeBudget())
                + ", read budget " + GoDuration.format(limits.readBudget()));
        lines.add("node        " + config.nodeId().map(id -> "id " + id).orElse("generated id") + ", data in "
                + config.dataDir() + ", log " + config.logging().level().getName() + " as "
                + config.logging().format().name().toLowerCase(Locale.ROOT));
        if (config.otel().enabled()) {
            lines.add("telemetry   OTLP to " + OrisunConfig.maskCredentials(config.otel().endpoint()) + " as service "
                    + config.otel().serviceName());
        }
        if (config.pprof().enabled()) {
            lines.add("profiling   port " + config.pprof().port());
        }
        return String.join("\n", lines);
    }

    private static String bytes(long size) {
        if (size > 0 && size % (1L << 30) == 0) {
            return (size >> 30) + " GiB";
        }
        if (size > 0 && size % (1L << 20) == 0) {
            return (size >> 20) + " MiB";
        }
        if (size > 0 && size % (1L << 10) == 0) {
            return (size >> 10) + " KiB";
        }
        return size + " bytes";
    }

    private static String pool(PoolConfig pool) {
        return pool.maxOpen() + "/" + pool.maxIdle();
    }
}
