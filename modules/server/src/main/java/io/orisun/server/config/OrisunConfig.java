package io.orisun.server.config;

import io.orisun.transport.ListenerTls;

import io.orisun.api.BoundarySpec;
import io.orisun.api.RequestLimits;
import io.orisun.auth.AuthSettings;
import io.orisun.ccc.GroupCommitSettings;
import io.orisun.publisher.PublisherSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The whole server configuration, one validated record per concern. A concern that a core module owns is that
 * module's own settings record ({@link GroupCommitSettings}, {@link PublisherSettings}, {@link AuthSettings},
 * {@link RequestLimits}), whose constructor holds its rules; the others are records of this package. It is built
 * from the {@code ORISUN_*} environment by {@link #fromEnv(Map)}, the only code that reads configuration variables;
 * {@link Setting} lists every variable with its default.
 *
 * <p>Printing a configuration never reveals a secret: passwords and credentials inside URLs print as
 * {@code ****} in {@link #toString()}, {@link #summary()} and every {@link ConfigException} message.
 *
 * @param grpc            the gRPC listener
 * @param tls             TLS for the gRPC listener; empty for plain text
 * @param postgres        the default PostgreSQL server and its pools; an absent host means the embedded PostgreSQL
 * @param servers         the further, named PostgreSQL servers ({@code ORISUN_PG_SERVERS}) by name, in configuration
 *                        order; each is external
 * @param boundaries      the configured boundaries and the admin boundary
 * @param adminPort       the admin HTTP port (dashboard, metrics, health); 0 picks a free one
 * @param auth            the first administrator, the session lifetime and the admin boundary that holds the users
 * @param nats            NATS JetStream; an absent URL means the embedded nats-server
 * @param publisher       the PostgreSQL-to-JetStream publisher and the limits of each boundary's stream; its node id
 *                        is {@code ORISUN_NODE_ID}, or empty when the node generates its id at start (the node
 *                        applies it with {@link PublisherSettings#withNodeId})
 * @param groupCommit     batching of concurrent saves, and the write budget of one batch
 * @param limits          how much work one request may ask for: sizes checked before any SQL runs, and time budgets
 * @param logging         log level and format
 * @param otel            OpenTelemetry export
 * @param pprof           the profiling endpoint
 * @param dataDir         the directory of this node's local state
 * @param nodeId          this node's identity; absent means the server generates one
 * @param shutdownTimeout how long in-flight work may take to finish when the server stops
 * @param warnings        what looked wrong but did not stop the configuration, such as an unknown
 *                        {@code ORISUN_*} variable; to be logged at start-up
 */
public record OrisunConfig(GrpcConfig grpc, Optional<ListenerTls> tls, PostgresConfig postgres,
                           Map<String, PostgresConfig> servers, BoundariesConfig boundaries,
                           int adminPort, AuthSettings auth, NatsConfig nats, PublisherSettings publisher,
                           GroupCommitSettings groupCommit, RequestLimits limits, LoggingConfig logging, OtelConfig otel,
                           PprofConfig pprof,
                           Path dataDir, Optional<String> nodeId, Duration shutdownTimeout, List<String> warnings) {

    /** What a secret prints as. */
    public static final String MASK = "****";

    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?<=://)[^/@\\s,]*@");

    /**
     * @throws IllegalArgumentException when the admin port is not 0-65535, the shutdown timeout is not positive, or
     *                                  two records disagree: the users' boundary is not the admin boundary, the
     *                                  publisher's LISTEN or group commit's write budget differ from the PostgreSQL
     *                                  settings and request limits they come from, or a stream has replicas without
     *                                  a NATS cluster to keep them; or a named server is embedded or named
     *                                  {@value BoundarySpec#DEFAULT_SERVER}, a boundary is placed on a server
     *                                  not configured, or the admin boundary is not on the default server
     */
    public OrisunConfig {
        Objects.requireNonNull(grpc, "grpc");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(postgres, "postgres");
        Objects.requireNonNull(boundaries, "boundaries");
        servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(nats, "nats");
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(groupCommit, "groupCommit");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(otel, "otel");
        Objects.requireNonNull(pprof, "pprof");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        warnings = List.copyOf(warnings);
        if (adminPort < 0 || adminPort > 65_535) {
            throw new IllegalArgumentException("admin port " + adminPort + " is not 0-65535");
        }
        if (!shutdownTimeout.isPositive()) {
            throw new IllegalArgumentException("shutdown timeout must be positive");
        }
        if (!auth.adminBoundary().equals(boundaries.admin())) {
            throw new IllegalArgumentException("the users' boundary " + auth.adminBoundary().name()
                    + " is not the admin boundary " + boundaries.adminBoundary());
        }
        if (publisher.listenEnabled() != postgres.listenEnabled()
                || !groupCommit.writeBudget().equals(limits.writeBudget())) {
            throw new IllegalArgumentException("the publisher's LISTEN and group commit's write budget must be those"
                    + " of the PostgreSQL settings and request limits");
        }
        if (servers.containsKey(BoundarySpec.DEFAULT_SERVER)
                || servers.values().stream().anyMatch(PostgresConfig::embedded)) {
            throw new IllegalArgumentException("a named PostgreSQL server must be external and not named '"
                    + BoundarySpec.DEFAULT_SERVER + "'");
        }
        for (BoundarySpec boundary : boundaries.boundaries()) {
            if (!boundary.server().equals(BoundarySpec.DEFAULT_SERVER) && !servers.containsKey(boundary.server())) {
                throw new IllegalArgumentException("boundary " + boundary.name() + " is placed on server '"
                        + boundary.server() + "', which is not configured");
            }
        }
        if (!boundaries.admin().server().equals(BoundarySpec.DEFAULT_SERVER)) {
            throw new IllegalArgumentException("the admin boundary must be on the default PostgreSQL server");
        }
        if (publisher.stream().replicas() > 1 && nats.embedded() && nats.cluster().isEmpty()) {
            throw new IllegalArgumentException("more than one stream replica needs a NATS cluster");
        }
    }

    /**
     * Every PostgreSQL server by name, the default one ({@value BoundarySpec#DEFAULT_SERVER}) first, then the named
     * ones in configuration order.
     */
    public Map<String, PostgresConfig> allServers() {
        Map<String, PostgresConfig> all = new LinkedHashMap<>();
        all.put(BoundarySpec.DEFAULT_SERVER, postgres);
        all.putAll(servers);
        return Collections.unmodifiableMap(all);
    }

    /** The configuration of an empty environment: every {@link Setting} at its default. */
    public static OrisunConfig defaults() {
        return fromEnv(Map.of());
    }

    /**
     * Builds the configuration from environment variables. Only {@code ORISUN_*} names are looked at; an unset or
     * blank variable takes its {@link Setting#defaultValue() default}.
     *
     * <p>Every variable is checked before anything is reported, so one failure lists all the problems. An
     * {@code ORISUN_*} name that is not a {@link Setting} does not fail: it becomes a {@link #warnings() warning},
     * with the closest known name when one is near.
     *
     * @param env the environment, usually {@code System.getenv()}
     * @throws ConfigException when any value is malformed, out of range or inconsistent with another; its message
     *                         has one line per problem naming the variable and value (secrets masked)
     */
    public static OrisunConfig fromEnv(Map<String, String> env) {
        return ConfigReading.read(env);
    }

    /**
     * A few lines for the start-up banner: where each part listens or connects, the boundaries and the node.
     * Secrets are left out, and credentials inside URLs are masked.
     */
    public String summary() {
        return ConfigSummary.of(this);
    }

    /** Replaces the user-info part of every URL in {@code text} ({@code nats://user:pw@host}) with the mask. */
    public static String maskCredentials(String text) {
        return URL_CREDENTIALS.matcher(text).replaceAll(MASK + "@");
    }
}
