package io.orisun.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orisun.api.BoundarySpec;
import io.orisun.api.InvalidRequest;
import io.orisun.api.JsonKey;
import io.orisun.api.RequestLimits;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The whole server configuration, one validated record per concern. It is built from the {@code ORISUN_*}
 * environment by {@link #fromEnv(Map)}, the only code that reads configuration variables; {@link Setting} lists
 * every variable with its default.
 *
 * <p>Printing a configuration never reveals a secret: passwords and credentials inside URLs print as
 * {@code ****} in {@link #toString()}, {@link #summary()} and every {@link ConfigException} message.
 *
 * @param grpc            the gRPC listener
 * @param tls             TLS for the gRPC listener
 * @param postgres        the PostgreSQL server and pools; an absent host means the embedded PostgreSQL
 * @param boundaries      the configured boundaries and the admin boundary
 * @param admin           the admin HTTP port, first administrator and session lifetime
 * @param nats            NATS JetStream; an absent URL means the embedded nats-server
 * @param publisher       the PostgreSQL-to-JetStream publisher
 * @param groupCommit     batching of concurrent saves
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
public record OrisunConfig(GrpcConfig grpc, TlsConfig tls, PostgresConfig postgres, BoundariesConfig boundaries,
                           AdminConfig admin, NatsConfig nats, PublisherConfig publisher,
                           GroupCommitConfig groupCommit, RequestLimits limits, LoggingConfig logging, OtelConfig otel,
                           PprofConfig pprof,
                           Path dataDir, Optional<String> nodeId, Duration shutdownTimeout, List<String> warnings) {

    /** What a secret prints as. */
    public static final String MASK = "****";

    private static final Set<String> KNOWN = Setting.all().stream().map(Setting::variable).collect(Collectors.toSet());

    /** Settings of Orisun that have no counterpart here; they are accepted with a warning so that its files work. */
    private static final Set<String> ORISUN_ONLY = Set.of("ORISUN_PG_DIALECT", "ORISUN_PG_ADMIN_SCHEMA",
            "ORISUN_GRPC_CONNECTION_TIMEOUT", "ORISUN_GRPC_INITIAL_WINDOW_SIZE", "ORISUN_GRPC_INITIAL_CONN_WINDOW_SIZE",
            "ORISUN_GRPC_WRITE_BUFFER_SIZE", "ORISUN_GRPC_READ_BUFFER_SIZE", "ORISUN_GRPC_KEEPALIVE_MIN_TIME",
            "ORISUN_GRPC_KEEPALIVE_PERMIT_WITHOUT_STREAM", "ORISUN_NATS_PUBLISH_ASYNC_MAX_PENDING");
    private static final List<String> ORISUN_ONLY_PREFIXES = List.of("ORISUN_SQLITE_", "ORISUN_FDB_");

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern BARE_SECONDS = Pattern.compile("\\d{1,18}");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?<=://)[^/@\\s,]*@");
    private static final Set<String> NATS_SCHEMES = Set.of("nats", "tls", "ws", "wss");
    private static final Set<String> ROUTE_SCHEMES = Set.of("nats", "nats-route", "tls");

    private static final String DURATION_EXPECTED =
            "a duration (for example 300ms, 30s, 5m, 24h or 1h30m; a bare number means seconds)";

    /** @throws IllegalArgumentException when the shutdown timeout is not positive */
    public OrisunConfig {
        Objects.requireNonNull(grpc, "grpc");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(postgres, "postgres");
        Objects.requireNonNull(boundaries, "boundaries");
        Objects.requireNonNull(admin, "admin");
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
        if (!shutdownTimeout.isPositive()) {
            throw new IllegalArgumentException("shutdown timeout must be positive");
        }
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
        Reader in = new Reader(env);

        int grpcPort = in.port(Setting.GRPC_PORT, true);
        boolean reflection = in.bool(Setting.GRPC_ENABLE_REFLECTION);
        int maxReceive = in.integer(Setting.GRPC_MAX_RECEIVE_MESSAGE_SIZE, 1, Integer.MAX_VALUE, "a size in bytes");
        int maxSend = in.integer(Setting.GRPC_MAX_SEND_MESSAGE_SIZE, 1, Integer.MAX_VALUE, "a size in bytes");
        Duration keepAliveTime = in.duration(Setting.GRPC_KEEP_ALIVE_TIME, false);
        Duration keepAliveTimeout = in.duration(Setting.GRPC_KEEP_ALIVE_TIMEOUT, false);
        int maxStreams = in.integer(Setting.GRPC_MAX_CONCURRENT_STREAMS, 1, Integer.MAX_VALUE, "a number of streams");

        boolean tlsEnabled = in.bool(Setting.GRPC_TLS_ENABLED);
        Optional<Path> certFile = in.optionalPath(Setting.GRPC_TLS_CERT_FILE);
        Optional<Path> keyFile = in.optionalPath(Setting.GRPC_TLS_KEY_FILE);
        Optional<Path> caFile = in.optionalPath(Setting.GRPC_TLS_CA_FILE);
        boolean clientAuth = in.bool(Setting.GRPC_TLS_CLIENT_AUTH_REQUIRED);

        Optional<String> pgHost = in.optional(Setting.PG_HOST);
        int pgPort = in.port(Setting.PG_PORT, false);
        String pgUser = in.text(Setting.PG_USER);
        String pgPassword = in.text(Setting.PG_PASSWORD);
        String pgName = in.identifier(Setting.PG_NAME, "database");
        String sslMode = in.choice(Setting.PG_SSLMODE, List.of("disable", "allow", "prefer", "require", "verify-ca",
                "verify-full"));
        boolean listen = in.bool(Setting.PG_LISTEN_ENABLED);
        PostgresConfig.PoolMode poolMode = PostgresConfig.PoolMode.valueOf(
                in.choice(Setting.PG_POOL_MODE, List.of("session", "transaction")).toUpperCase(Locale.ROOT));
        boolean transactionPooling = poolMode == PostgresConfig.PoolMode.TRANSACTION;
        // Behind a transaction-mode pooler, a server-side prepared statement is created on one server connection
        // and then looked for on another; PgBouncer before 1.21 cannot track them.
        int prepareThreshold = transactionPooling && !in.isSet(Setting.PG_PREPARE_THRESHOLD) ? 0
                : in.integer(Setting.PG_PREPARE_THRESHOLD, 0, Integer.MAX_VALUE, "a number of executions");
        Optional<String> directHost = in.optional(Setting.PG_DIRECT_HOST);
        int directPort = in.isSet(Setting.PG_DIRECT_PORT) ? in.port(Setting.PG_DIRECT_PORT, false) : pgPort;
        List<BoundarySpec> boundaryList = readBoundaries(in);
        String adminBoundary = in.text(Setting.ADMIN_BOUNDARY);

        PoolConfig writePool = in.pool(Setting.PG_WRITE_MAX_OPEN_CONNS, Setting.PG_WRITE_MAX_IDLE_CONNS,
                Setting.PG_WRITE_CONN_MAX_IDLE_TIME, Setting.PG_WRITE_CONN_MAX_LIFETIME);
        PoolConfig readPool = in.pool(Setting.PG_READ_MAX_OPEN_CONNS, Setting.PG_READ_MAX_IDLE_CONNS,
                Setting.PG_READ_CONN_MAX_IDLE_TIME, Setting.PG_READ_CONN_MAX_LIFETIME);
        PoolConfig adminPool = in.pool(Setting.PG_ADMIN_MAX_OPEN_CONNS, Setting.PG_ADMIN_MAX_IDLE_CONNS,
                Setting.PG_ADMIN_CONN_MAX_IDLE_TIME, Setting.PG_ADMIN_CONN_MAX_LIFETIME);

        int gcRequests = in.integer(Setting.PG_GC_MAX_BATCH_REQUESTS, 1, Integer.MAX_VALUE, "a number of requests");
        int gcEvents = in.integer(Setting.PG_GC_MAX_BATCH_EVENTS, 1, Integer.MAX_VALUE, "a number of events");
        int gcPending = in.integer(Setting.PG_GC_MAX_PENDING, 1, Integer.MAX_VALUE, "a number of requests");

        int limitCriteria = in.integer(Setting.LIMIT_CRITERIA, 1, Integer.MAX_VALUE, "a number of criteria");
        int limitTags = in.integer(Setting.LIMIT_TAGS, 1, Integer.MAX_VALUE, "a number of tags");
        int limitKey = in.integer(Setting.LIMIT_TAG_KEY_LENGTH, 1, JsonKey.MAX_LENGTH, "a number of characters");
        int limitValue = in.integer(Setting.LIMIT_TAG_VALUE_LENGTH, 1, Integer.MAX_VALUE, "a number of characters");
        int limitEvents = in.integer(Setting.LIMIT_EVENTS_PER_SAVE, 1, Integer.MAX_VALUE, "a number of events");
        int limitData = in.integer(Setting.LIMIT_EVENT_DATA_BYTES, 1, Integer.MAX_VALUE, "a size in bytes");
        int limitMetadata = in.integer(Setting.LIMIT_EVENT_METADATA_BYTES, 1, Integer.MAX_VALUE, "a size in bytes");
        Duration writeBudget = in.duration(Setting.LIMIT_WRITE_BUDGET, false);
        Duration readBudget = in.duration(Setting.LIMIT_READ_BUDGET, false);

        int adminPort = in.port(Setting.ADMIN_PORT, true);
        String adminUser = in.text(Setting.ADMIN_USERNAME);
        if (adminUser.length() < AdminConfig.MIN_USERNAME_LENGTH) {
            in.problem(Setting.ADMIN_USERNAME, "is too short (at least " + AdminConfig.MIN_USERNAME_LENGTH + " characters)");
        }
        String adminPassword = in.text(Setting.ADMIN_PASSWORD);
        if (adminPassword.length() < AdminConfig.MIN_PASSWORD_LENGTH) {
            in.problem(Setting.ADMIN_PASSWORD, "is too short (at least " + AdminConfig.MIN_PASSWORD_LENGTH + " characters)");
        }
        Duration sessionTtl = in.duration(Setting.AUTH_SESSION_TTL, false);

        Optional<String> natsUrl = in.natsUrl(Setting.NATS_URL);
        String natsServerName = in.text(Setting.NATS_SERVER_NAME);
        int natsPort = in.port(Setting.NATS_PORT, false);
        String natsHost = in.text(Setting.NATS_HOST);
        String natsUser = in.text(Setting.NATS_USER);
        Optional<String> natsPassword = in.secret(Setting.NATS_PASSWORD);
        Optional<String> natsToken = in.secret(Setting.NATS_TOKEN);
        Optional<Path> credsFile = in.optionalPath(Setting.NATS_CREDS_FILE);
        Optional<Path> natsCa = in.optionalPath(Setting.NATS_TLS_CA_FILE);
        Optional<Path> natsCert = in.optionalPath(Setting.NATS_TLS_CERT_FILE);
        Optional<Path> natsKey = in.optionalPath(Setting.NATS_TLS_KEY_FILE);
        Optional<String> eventSecret = in.secret(Setting.NATS_EVENT_SECRET);
        if (eventSecret.isPresent() && eventSecret.get().length() < NatsAccess.MIN_SECRET_LENGTH) {
            in.problem(Setting.NATS_EVENT_SECRET, "is too short (at least " + NatsAccess.MIN_SECRET_LENGTH
                    + " characters; for example: openssl rand -base64 32)");
            eventSecret = Optional.empty();
        }
        // nats-server refuses a max_payload above 64 MiB.
        int maxPayload = in.integer(Setting.NATS_MAX_PAYLOAD, 1, 64 * 1024 * 1024, "a size in bytes");
        Path storeDir = in.path(Setting.NATS_STORE_DIR);
        Optional<Path> serverPath = in.optionalPath(Setting.NATS_SERVER_PATH);
        long streamMaxBytes = in.cap(Setting.NATS_EVENT_STREAM_MAX_BYTES);
        long streamMaxMsgs = in.cap(Setting.NATS_EVENT_STREAM_MAX_MSGS);
        Duration streamMaxAge = in.duration(Setting.NATS_EVENT_STREAM_MAX_AGE, true);
        int replicas = in.integer(Setting.NATS_STREAM_REPLICAS, 1, NatsConfig.MAX_REPLICAS, "a replica count");

        boolean clusterEnabled = in.bool(Setting.NATS_CLUSTER_ENABLED);
        String clusterName = in.text(Setting.NATS_CLUSTER_NAME);
        String clusterHost = in.text(Setting.NATS_CLUSTER_HOST);
        int clusterPort = in.port(Setting.NATS_CLUSTER_PORT, false);
        String clusterUser = in.optional(Setting.NATS_CLUSTER_USERNAME).orElse("");
        String clusterPassword = in.text(Setting.NATS_CLUSTER_PASSWORD);
        List<String> routes = in.routes(Setting.NATS_CLUSTER_ROUTES);
        Duration clusterTimeout = in.duration(Setting.NATS_CLUSTER_TIMEOUT, false);

        int batchSize = in.integer(Setting.POLLING_PUBLISHER_BATCH_SIZE, 1, io.orisun.api.ReadRequest.MAX_COUNT,
                "a number of events");
        Duration leaseTimeout = in.duration(Setting.PUBLISHER_LEASE_TIMEOUT, false);
        if (leaseTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            in.problem(Setting.PUBLISHER_LEASE_TIMEOUT, "is shorter than 1s");
            leaseTimeout = Duration.ofSeconds(1);
        }

        System.Logger.Level level = in.level(Setting.LOGGING_LEVEL);
        LoggingConfig.Format format = LoggingConfig.Format.valueOf(in.choice(Setting.LOG_FORMAT, List.of("text", "json"))
                .toUpperCase(Locale.ROOT));

        boolean otelEnabled = in.bool(Setting.OTEL_ENABLED);
        String otelEndpoint = in.text(Setting.OTEL_ENDPOINT);
        String otelService = in.text(Setting.OTEL_SERVICE_NAME);

        boolean pprofEnabled = in.bool(Setting.PPROF_ENABLED);
        int pprofPort = in.port(Setting.PPROF_PORT, true);

        Path dataDir = in.path(Setting.DATA_DIR);
        Optional<String> nodeId = in.optional(Setting.NODE_ID);
        if (nodeId.isPresent() && !NODE_ID.matcher(nodeId.get()).matches()) {
            in.problem(Setting.NODE_ID, "is not a node id (letters, digits, '.', '_' and '-', at most 64 characters)");
        }
        Duration shutdownTimeout = in.duration(Setting.SHUTDOWN_TIMEOUT, false);

        // Rules that relate several variables; each is checked only when its inputs parsed, to avoid echo errors.
        if (!boundaryList.isEmpty() && !in.failed(Setting.ADMIN_BOUNDARY)
                && boundaryList.stream().noneMatch(b -> b.name().equals(adminBoundary))) {
            String source = in.isSet(Setting.BOUNDARIES) ? "ORISUN_BOUNDARIES and ORISUN_PG_SCHEMAS" : "ORISUN_PG_SCHEMAS";
            in.problem(Setting.ADMIN_BOUNDARY, "is not one of the boundaries configured by " + source + " ("
                    + boundaryList.stream().map(BoundarySpec::name).collect(Collectors.joining(", ")) + ")");
        }
        if ((long) limitCriteria * limitTags > RequestLimits.MAX_TAGS_PER_QUERY
                && !in.failed(Setting.LIMIT_CRITERIA) && !in.failed(Setting.LIMIT_TAGS)) {
            in.crossProblem("ORISUN_LIMIT_CRITERIA=" + limitCriteria + " times ORISUN_LIMIT_TAGS=" + limitTags + " is "
                    + (long) limitCriteria * limitTags + " tags per query; at most " + RequestLimits.MAX_TAGS_PER_QUERY
                    + " fit the parameters of one PostgreSQL statement");
        }
        checkPooler(in, pgHost.isPresent(), transactionPooling, prepareThreshold);
        checkTls(in, tlsEnabled, certFile, keyFile, caFile, clientAuth);
        if (replicas > 1 && natsUrl.isEmpty() && !clusterEnabled) {
            in.problem(Setting.NATS_STREAM_REPLICAS,
                    "needs a NATS cluster (ORISUN_NATS_CLUSTER_ENABLED=true or an external ORISUN_NATS_URL)");
        }
        checkPortClashes(in, pgHost.isEmpty(), natsUrl.isEmpty(), clusterEnabled, pprofEnabled);
        checkNatsCredentials(in, natsUrl.isPresent(), natsPassword, natsToken, credsFile, natsCa, natsCert, natsKey);
        if (clusterEnabled && natsUrl.isEmpty()) {
            checkRouteAuthentication(in, clusterHost, clusterUser, clusterPassword, routes);
        }
        if (clusterEnabled && natsUrl.isEmpty() && !in.failed(Setting.NATS_CLUSTER_ENABLED)) {
            // Each node generating its own would leave the members unable to use each other's servers and to
            // check each other's event messages.
            if (natsPassword.isEmpty()) {
                in.crossProblem("ORISUN_NATS_PASSWORD is empty, but ORISUN_NATS_CLUSTER_ENABLED=true needs the same"
                        + " client password on every node");
            }
            if (eventSecret.isEmpty() && !in.failed(Setting.NATS_EVENT_SECRET)) {
                in.crossProblem("ORISUN_NATS_EVENT_SECRET is empty, but ORISUN_NATS_CLUSTER_ENABLED=true needs the same"
                        + " secret on every node (at least " + NatsAccess.MIN_SECRET_LENGTH + " characters)");
            }
        }
        if (clusterEnabled && natsUrl.isPresent()) {
            in.warnings.add("ORISUN_NATS_CLUSTER_ENABLED=true has no effect with an external ORISUN_NATS_URL;"
                    + " the cluster is that server's own configuration");
        }
        warnAboutUnknownNames(in, env);

        if (!in.problems.isEmpty()) {
            throw new ConfigException(in.problems);
        }
        try {
            return new OrisunConfig(
                    new GrpcConfig(grpcPort, reflection, maxReceive, maxSend, keepAliveTime, keepAliveTimeout, maxStreams),
                    new TlsConfig(tlsEnabled, certFile, keyFile, caFile, clientAuth),
                    new PostgresConfig(pgHost, pgPort, pgUser, pgPassword, pgName, sslMode, listen, prepareThreshold,
                            poolMode, directHost, directPort, writePool, readPool, adminPool),
                    new BoundariesConfig(boundaryList, adminBoundary),
                    new AdminConfig(adminPort, adminUser, adminPassword, sessionTtl),
                    new NatsConfig(natsUrl, natsServerName, natsPort, maxPayload, storeDir, serverPath, streamMaxBytes,
                            streamMaxMsgs, streamMaxAge, replicas,
                            new NatsClusterConfig(clusterEnabled, clusterName, clusterHost, clusterPort, clusterUser,
                                    clusterPassword, routes, clusterTimeout),
                            new NatsAccess(natsHost, natsUser, natsPassword, natsToken, credsFile, natsCa, natsCert,
                                    natsKey, eventSecret)),
                    new PublisherConfig(batchSize, leaseTimeout),
                    new GroupCommitConfig(gcRequests, gcEvents, gcPending),
                    new RequestLimits(limitCriteria, limitTags, limitKey, limitValue, limitEvents, limitData,
                            limitMetadata, writeBudget, readBudget),
                    new LoggingConfig(level, format),
                    new OtelConfig(otelEnabled, otelEndpoint, otelService),
                    new PprofConfig(pprofEnabled, pprofPort),
                    dataDir, nodeId, shutdownTimeout, in.warnings);
        } catch (IllegalArgumentException e) {
            // The checks above should have caught this with the variable's name; keep start-up failing clearly.
            throw new ConfigException(List.of("invalid configuration: " + e.getMessage()));
        }
    }

    /**
     * The rules of a pooler in front of PostgreSQL. Transaction pooling cannot carry the session state that
     * migrations, index builds and the publisher's leadership lock and LISTEN need, so it requires a direct
     * endpoint of its own: silently sending those through the pooler would let two nodes lead one boundary.
     */
    private static void checkPooler(Reader in, boolean external, boolean transactionPooling, int prepareThreshold) {
        boolean directSet = in.isSet(Setting.PG_DIRECT_HOST) || in.isSet(Setting.PG_DIRECT_PORT);
        if (!external && (transactionPooling || directSet)) {
            Setting culprit = transactionPooling ? Setting.PG_POOL_MODE
                    : in.isSet(Setting.PG_DIRECT_HOST) ? Setting.PG_DIRECT_HOST : Setting.PG_DIRECT_PORT;
            in.problem(culprit, "applies to an external PostgreSQL only (set ORISUN_PG_HOST)");
            return;
        }
        if (transactionPooling && !directSet) {
            in.problem(Setting.PG_POOL_MODE, "needs ORISUN_PG_DIRECT_HOST and/or ORISUN_PG_DIRECT_PORT: the address"
                    + " of PostgreSQL itself or of a session-mode pool, for migrations, index builds and the"
                    + " publisher's leadership lock and LISTEN, which cannot go through transaction pooling");
        }
        if (transactionPooling && prepareThreshold > 0 && !in.failed(Setting.PG_PREPARE_THRESHOLD)) {
            in.warnings.add("ORISUN_PG_PREPARE_THRESHOLD=" + prepareThreshold + " with ORISUN_PG_POOL_MODE=transaction"
                    + " needs a pooler that tracks prepared statements (PgBouncer 1.21+ with max_prepared_statements);"
                    + " use 0 otherwise");
        }
    }

    /**
     * A few lines for the start-up banner: where each part listens or connects, the boundaries and the node.
     * Secrets are left out, and credentials inside URLs are masked.
     */
    public String summary() {
        List<String> lines = new ArrayList<>();
        lines.add("gRPC        port " + grpc.port() + ", TLS " + (tls.enabled()
                ? "on" + (tls.clientAuthRequired() ? " with client certificates" : "") : "off")
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
        lines.add("boundaries  " + boundaries.boundaries().stream()
                .map(b -> b.name() + " (schema " + b.schema() + ")").collect(Collectors.joining(", "))
                + "; admin boundary " + boundaries.adminBoundary());
        lines.add("NATS        " + nats.url().map(url -> "external " + maskCredentials(url)
                        + (nats.access().tlsCaFile().isPresent() ? " over TLS" : ""))
                .orElseGet(() -> "embedded nats-server '" + nats.serverName() + "' on " + nats.access().host() + ":"
                        + nats.port() + (nats.access().serverTls() ? " with TLS" : "") + ", store " + nats.storeDir())
                + ", streams keep " + (nats.streamMaxAge().isZero() ? "messages without age limit"
                : duration(nats.streamMaxAge())) + ", " + nats.streamReplicas() + " replica(s)");
        if (nats.embedded() && nats.cluster().enabled()) {
            NatsClusterConfig cluster = nats.cluster();
            lines.add("NATS route  cluster '" + cluster.name() + "' on " + cluster.host() + ":" + cluster.port()
                    + ", routes " + (cluster.routes().isEmpty() ? "none" : cluster.routes().stream()
                    .map(OrisunConfig::maskCredentials).collect(Collectors.joining(", "))));
        }
        lines.add("admin       port " + admin.port() + ", administrator '" + admin.username() + "', sessions expire after "
                + duration(admin.sessionTtl()) + " idle");
        lines.add("limits      " + limits.criteria() + " criteria of " + limits.tagsPerCriterion() + " tags per query, "
                + limits.eventsPerSave() + " events per save, data up to " + bytes(limits.eventDataBytes())
                + ", write budget " + duration(limits.writeBudget()) + ", read budget " + duration(limits.readBudget()));
        lines.add("node        " + nodeId.map(id -> "id " + id).orElse("generated id") + ", data in " + dataDir
                + ", log " + logging.level().getName() + " as " + logging.format().name().toLowerCase(Locale.ROOT));
        if (otel.enabled()) {
            lines.add("telemetry   OTLP to " + maskCredentials(otel.endpoint()) + " as service " + otel.serviceName());
        }
        if (pprof.enabled()) {
            lines.add("profiling   port " + pprof.port());
        }
        return String.join("\n", lines);
    }

    /** Replaces the user-info part of every URL in {@code text} ({@code nats://user:pw@host}) with the mask. */
    public static String maskCredentials(String text) {
        return URL_CREDENTIALS.matcher(text).replaceAll(MASK + "@");
    }

    /**
     * Parses a duration in Go's syntax: a sequence of decimal numbers, each with a unit ({@code ns}, {@code us},
     * {@code ms}, {@code s}, {@code m}, {@code h}), such as {@code 300ms}, {@code 1h30m} or {@code 1.5h}. A bare
     * integer means seconds. Negative durations are not accepted.
     *
     * @throws IllegalArgumentException when {@code text} is not such a duration or does not fit a {@link Duration}
     *                                  of at most 292 years
     */
    static Duration parseDuration(String text) {
        if (BARE_SECONDS.matcher(text).matches()) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        Matcher part = DURATION_PART.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < text.length()) {
            part.region(at, text.length());
            if (!part.lookingAt()) {
                throw new IllegalArgumentException("not a duration: " + text);
            }
            nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unitNanos(part.group(2)))));
            at = part.end();
        }
        try {
            return Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration too long: " + text, e);
        }
    }

    /** Writes a duration in the syntax {@link #parseDuration} reads, largest units first: {@code 1h30m}, {@code 300ms}. */
    static String duration(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        appendPart(text, duration.toHours(), "h");
        appendPart(text, duration.toMinutesPart(), "m");
        appendPart(text, duration.toSecondsPart(), "s");
        appendPart(text, duration.toMillisPart(), "ms");
        appendPart(text, duration.toNanosPart() % 1_000_000, "ns");
        return text.toString();
    }

    private static void appendPart(StringBuilder text, long amount, String unit) {
        if (amount != 0) {
            text.append(amount).append(unit);
        }
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException("unknown duration unit " + unit);
        };
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

    /**
     * Reads {@code ORISUN_PG_SCHEMAS} and {@code ORISUN_BOUNDARIES} into boundary specs, in the order of
     * {@code ORISUN_BOUNDARIES} when it is set and of {@code ORISUN_PG_SCHEMAS} otherwise. Returns an empty list
     * when either is malformed (the problems are recorded).
     */
    private static List<BoundarySpec> readBoundaries(Reader in) {
        Map<String, String> schemas = readSchemas(in);
        if (!in.isSet(Setting.BOUNDARIES)) {
            return in.failed(Setting.PG_SCHEMAS) ? List.of() : schemas.entrySet().stream()
                    .map(e -> new BoundarySpec(e.getKey(), e.getValue(), "")).toList();
        }
        Map<String, String> described = readDescriptions(in);
        if (in.failed(Setting.PG_SCHEMAS) || in.failed(Setting.BOUNDARIES)) {
            return List.of();
        }
        List<String> mismatches = new ArrayList<>();
        for (String name : described.keySet()) {
            if (!schemas.containsKey(name)) {
                mismatches.add("boundary '" + name + "' is listed in ORISUN_BOUNDARIES but has no schema in"
                        + " ORISUN_PG_SCHEMAS");
            }
        }
        for (String name : schemas.keySet()) {
            if (!described.containsKey(name)) {
                mismatches.add("boundary '" + name + "' has a schema in ORISUN_PG_SCHEMAS but is not listed in"
                        + " ORISUN_BOUNDARIES");
            }
        }
        if (!mismatches.isEmpty()) {
            if (!in.isSet(Setting.PG_SCHEMAS)) {
                // Said once: a user who set only ORISUN_BOUNDARIES is surprised by boundaries they never named.
                mismatches.set(0, mismatches.getFirst() + " (ORISUN_PG_SCHEMAS is not set, so its default '"
                        + Setting.PG_SCHEMAS.defaultValue() + "' applies)");
            }
            mismatches.forEach(in::crossProblem);
            return List.of();
        }
        return described.entrySet().stream()
                .map(e -> new BoundarySpec(e.getKey(), schemas.get(e.getKey()), e.getValue())).toList();
    }

    /** {@code boundary:schema,...} to an ordered map from boundary to schema. */
    private static Map<String, String> readSchemas(Reader in) {
        Setting setting = Setting.PG_SCHEMAS;
        Map<String, String> schemas = new LinkedHashMap<>();
        for (String rawEntry : in.text(setting).split(",", -1)) {
            String entry = rawEntry.strip();
            if (entry.isEmpty()) {
                in.problem(setting, "has an empty entry (expected boundary:schema pairs separated by commas)");
                continue;
            }
            String[] parts = entry.split(":", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                in.problem(setting, "has the entry '" + Reader.printable(entry) + "', which is not boundary:schema");
                continue;
            }
            String boundary = parts[0].strip();
            String schema = parts[1].strip();
            try {
                BoundarySpec.requireBoundaryName(boundary);
                BoundarySpec.requireIdentifier("schema", schema);
            } catch (InvalidRequest e) {
                in.problem(setting, "is invalid: " + e.getMessage());
                continue;
            }
            if (schemas.putIfAbsent(boundary, schema) != null) {
                in.problem(setting, "maps boundary '" + boundary + "' more than once");
            }
        }
        return schemas;
    }

    /** The {@code ORISUN_BOUNDARIES} JSON array to an ordered map from boundary to description. */
    private static Map<String, String> readDescriptions(Reader in) {
        Setting setting = Setting.BOUNDARIES;
        String expected = "is not a JSON array of {\"name\": ..., \"description\": ...} objects";
        JsonNode array;
        try {
            array = new ObjectMapper().readTree(in.text(setting));
        } catch (JacksonException e) {
            in.problem(setting, expected + " (" + e.getOriginalMessage() + ")");
            return Map.of();
        }
        if (array == null || !array.isArray() || array.isEmpty()) {
            in.problem(setting, expected);
            return Map.of();
        }
        Map<String, String> described = new LinkedHashMap<>();
        for (JsonNode element : array) {
            JsonNode name = element.get("name");
            JsonNode description = element.get("description");
            if (!element.isObject() || name == null || !name.isTextual()
                    || (description != null && !description.isNull() && !description.isTextual())) {
                in.problem(setting, expected + " (element " + Reader.printable(element.toString())
                        + " needs a string \"name\" and an optional string \"description\")");
                continue;
            }
            try {
                BoundarySpec.requireBoundaryName(name.asText());
            } catch (InvalidRequest e) {
                in.problem(setting, "is invalid: " + e.getMessage());
                continue;
            }
            String text = description == null || description.isNull() ? "" : description.asText();
            if (described.putIfAbsent(name.asText(), text) != null) {
                in.problem(setting, "lists boundary '" + name.asText() + "' more than once");
            }
        }
        return described;
    }

    /**
     * How the node proves itself to NATS: one of a password, a token or a creds file; the last two only to an
     * external NATS, since the embedded one admits its user by password. TLS files must be readable, and the
     * embedded nats-server's certificate and key come together, with the CA its routes and the node verify it by.
     */
    private static void checkNatsCredentials(Reader in, boolean external, Optional<String> password,
                                             Optional<String> token, Optional<Path> creds, Optional<Path> ca,
                                             Optional<Path> cert, Optional<Path> key) {
        if (!external) {
            if (token.isPresent()) {
                in.problem(Setting.NATS_TOKEN, "applies to an external NATS only (set ORISUN_NATS_URL); the embedded"
                        + " nats-server admits ORISUN_NATS_USER with ORISUN_NATS_PASSWORD");
            }
            if (creds.isPresent()) {
                in.problem(Setting.NATS_CREDS_FILE, "applies to an external NATS only (set ORISUN_NATS_URL); the"
                        + " embedded nats-server admits ORISUN_NATS_USER with ORISUN_NATS_PASSWORD");
            }
        } else if (cert.isPresent() || key.isPresent()) {
            in.problem(cert.isPresent() ? Setting.NATS_TLS_CERT_FILE : Setting.NATS_TLS_KEY_FILE,
                    "applies to the embedded nats-server only; an external NATS has its own TLS configuration");
        }
        List<String> given = new ArrayList<>();
        password.ifPresent(p -> given.add("ORISUN_NATS_PASSWORD"));
        token.ifPresent(t -> given.add("ORISUN_NATS_TOKEN"));
        creds.ifPresent(c -> given.add("ORISUN_NATS_CREDS_FILE"));
        if (given.size() > 1) {
            in.crossProblem(String.join(" and ", given) + " are both set; the node connects to NATS with one of"
                    + " a password, a token or a creds file");
            in.failed.add(Setting.NATS_TOKEN);
        }
        if (cert.isPresent() != key.isPresent()) {
            Setting missing = cert.isPresent() ? Setting.NATS_TLS_KEY_FILE : Setting.NATS_TLS_CERT_FILE;
            Setting present = cert.isPresent() ? Setting.NATS_TLS_CERT_FILE : Setting.NATS_TLS_KEY_FILE;
            in.crossProblem(missing.variable() + " is empty, but " + present.variable() + " needs it");
            in.failed.add(missing);
        } else if (!external && ca.isPresent() && cert.isEmpty()) {
            in.crossProblem("ORISUN_NATS_TLS_CA_FILE is set, but the embedded nats-server speaks TLS only with"
                    + " ORISUN_NATS_TLS_CERT_FILE and ORISUN_NATS_TLS_KEY_FILE");
            in.failed.add(Setting.NATS_TLS_CA_FILE);
        } else if (cert.isPresent() && ca.isEmpty() && !external) {
            in.crossProblem("ORISUN_NATS_TLS_CA_FILE is empty, but ORISUN_NATS_TLS_CERT_FILE needs it: the routes"
                    + " and the node verify the nats-server's certificate by it");
            in.failed.add(Setting.NATS_TLS_CA_FILE);
        }
        for (var file : List.of(Map.entry(Setting.NATS_CREDS_FILE, creds), Map.entry(Setting.NATS_TLS_CA_FILE, ca),
                Map.entry(Setting.NATS_TLS_CERT_FILE, cert), Map.entry(Setting.NATS_TLS_KEY_FILE, key))) {
            Optional<Path> path = file.getValue();
            if (path.isPresent() && !in.failed(file.getKey())
                    && (!Files.isRegularFile(path.get()) || !Files.isReadable(path.get()))) {
                in.problem(file.getKey(), "is not a readable file");
            }
        }
    }

    /**
     * Routes that other hosts can reach must not be protected by Orisun's published default password, or by none:
     * anyone who can reach the cluster port could join the cluster and read or write every stream. Routes on
     * loopback only (several nodes on one machine, as in tests) may keep the default.
     */
    private static void checkRouteAuthentication(Reader in, String host, String user, String password,
                                                 List<String> routes) {
        if (in.failed(Setting.NATS_CLUSTER_HOST) || in.failed(Setting.NATS_CLUSTER_ROUTES)) {
            return;
        }
        List<String> exposed = new ArrayList<>();
        if (!isLoopback(host)) {
            exposed.add("ORISUN_NATS_CLUSTER_HOST=" + host);
        }
        for (String route : routes) {
            String routeHost = URI.create(route).getHost();
            // A connection to 0.0.0.0 reaches this machine (Orisun's default routes), like one to loopback.
            if (!isLoopback(routeHost) && !routeHost.equals("0.0.0.0")) {
                exposed.add("a route to " + routeHost);
                break;
            }
        }
        if (exposed.isEmpty()) {
            return;
        }
        String because = " while the routes are not on loopback only (" + String.join(", ", exposed) + ")";
        if (user.isEmpty()) {
            in.crossProblem("ORISUN_NATS_CLUSTER_USERNAME is empty, which turns route authentication off," + because
                    + "; set ORISUN_NATS_CLUSTER_USERNAME and ORISUN_NATS_CLUSTER_PASSWORD on every node");
        } else if (password.equals(Setting.NATS_CLUSTER_PASSWORD.defaultValue())) {
            in.problem(Setting.NATS_CLUSTER_PASSWORD, "is Orisun's published default, refused" + because
                    + "; set a password of your own in ORISUN_NATS_CLUSTER_PASSWORD, the same on every node and in"
                    + " the credentials of ORISUN_NATS_CLUSTER_ROUTES");
        }
    }

    /** Whether {@code host} is a loopback address or {@code localhost}, without asking a resolver. */
    static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equalsIgnoreCase("localhost") || bare.startsWith("127.") || bare.equals("::1");
    }

    private static void checkTls(Reader in, boolean enabled, Optional<Path> cert, Optional<Path> key,
                                 Optional<Path> ca, boolean clientAuth) {
        if (in.failed(Setting.GRPC_TLS_ENABLED) || in.failed(Setting.GRPC_TLS_CLIENT_AUTH_REQUIRED)) {
            return;
        }
        if (clientAuth && !enabled) {
            in.problem(Setting.GRPC_TLS_CLIENT_AUTH_REQUIRED, "needs ORISUN_GRPC_TLS_ENABLED=true");
            return;
        }
        if (!enabled) {
            return;
        }
        requireReadable(in, Setting.GRPC_TLS_CERT_FILE, cert, "ORISUN_GRPC_TLS_ENABLED=true");
        requireReadable(in, Setting.GRPC_TLS_KEY_FILE, key, "ORISUN_GRPC_TLS_ENABLED=true");
        if (clientAuth) {
            requireReadable(in, Setting.GRPC_TLS_CA_FILE, ca, "ORISUN_GRPC_TLS_CLIENT_AUTH_REQUIRED=true");
        }
    }

    private static void requireReadable(Reader in, Setting setting, Optional<Path> file, String because) {
        if (in.failed(setting)) {
            return;
        }
        if (file.isEmpty()) {
            in.crossProblem(setting.variable() + " is empty, but " + because + " needs it");
        } else if (!Files.isRegularFile(file.get()) || !Files.isReadable(file.get())) {
            in.problem(setting, "is not a readable file (needed because " + because + ")");
        }
    }

    /** Two listeners of this process on one port would fail at start-up with a less helpful bind error. */
    private static void checkPortClashes(Reader in, boolean embeddedPostgres, boolean embeddedNats, boolean cluster,
                                         boolean pprof) {
        List<Setting> listeners = new ArrayList<>(List.of(Setting.GRPC_PORT, Setting.ADMIN_PORT));
        if (embeddedPostgres) {
            listeners.add(Setting.PG_PORT);
        }
        if (embeddedNats) {
            listeners.add(Setting.NATS_PORT);
            if (cluster) {
                listeners.add(Setting.NATS_CLUSTER_PORT);
            }
        }
        if (pprof) {
            listeners.add(Setting.PPROF_PORT);
        }
        Map<Integer, Setting> byPort = new LinkedHashMap<>();
        for (Setting listener : listeners) {
            if (in.failed(listener)) {
                continue;
            }
            int port = Integer.parseInt(in.text(listener));
            if (port == 0) {
                continue;
            }
            Setting earlier = byPort.putIfAbsent(port, listener);
            if (earlier != null) {
                in.problem(listener, "is already the port of " + earlier.variable());
            }
        }
    }

    private static void warnAboutUnknownNames(Reader in, Map<String, String> env) {
        for (String name : new TreeSet<>(env.keySet())) {
            if (!name.startsWith("ORISUN_") || KNOWN.contains(name)) {
                continue;
            }
            if (name.equals("ORISUN_BACKEND")) {
                String backend = env.get(name).strip();
                if (!backend.isEmpty() && !backend.equalsIgnoreCase("postgres")) {
                    in.crossProblem("ORISUN_BACKEND='" + Reader.printable(backend)
                            + "' is not supported: Orisun-J stores events in PostgreSQL only");
                }
                continue;
            }
            if (ORISUN_ONLY.contains(name) || ORISUN_ONLY_PREFIXES.stream().anyMatch(name::startsWith)) {
                in.warnings.add(name + " is an Orisun setting that Orisun-J does not use; it is ignored");
                continue;
            }
            in.warnings.add(name + " is not a known setting and is ignored"
                    + closestKnownName(name).map(known -> "; did you mean " + known + "?").orElse(""));
        }
    }

    /** The known name within a few typing mistakes of {@code name}, if there is one. */
    static Optional<String> closestKnownName(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setting setting : Setting.all()) {
            int distance = editDistance(name, setting.variable());
            if (distance < bestDistance) {
                best = setting.variable();
                bestDistance = distance;
            }
        }
        // Every name shares the ORISUN_ prefix, so the allowance scales with the rest of the name.
        int allowance = Math.max(2, (name.length() - "ORISUN_".length()) / 3);
        return bestDistance <= allowance ? Optional.of(best) : Optional.empty();
    }

    /** Edits (insert, delete, replace, swap two neighbours) that turn {@code a} into {@code b}. */
    private static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * Reads typed values from the environment and records, rather than throws, what is wrong, so that every
     * problem is reported at once. A value that fails to parse is replaced by its default so that reading can go
     * on; the recorded problem guarantees that no configuration is built from it.
     */
    private static final class Reader {

        private final Map<String, String> env;
        private final List<String> problems = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final Set<Setting> failed = EnumSet.noneOf(Setting.class);

        Reader(Map<String, String> env) {
            this.env = env;
        }

        boolean isSet(Setting setting) {
            String value = env.get(setting.variable());
            return value != null && !value.isBlank();
        }

        boolean failed(Setting setting) {
            return failed.contains(setting);
        }

        /** The value, stripped of surrounding white space unless secret, or the default when unset or blank. */
        String text(Setting setting) {
            String value = env.get(setting.variable());
            if (value == null || value.isBlank()) {
                return setting.defaultValue();
            }
            return setting.secret() ? value : value.strip();
        }

        /** A secret that may be absent: taken as it is, never stripped; a blank value is absent. */
        Optional<String> secret(Setting setting) {
            String value = env.getOrDefault(setting.variable(), setting.defaultValue());
            return value.isBlank() ? Optional.empty() : Optional.of(value);
        }

        /** For settings that may be absent: an explicitly blank value is absent even when the default is not. */
        Optional<String> optional(Setting setting) {
            String value = env.getOrDefault(setting.variable(), setting.defaultValue()).strip();
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        }

        void problem(Setting setting, String expectation) {
            String value = env.get(setting.variable());
            if (value == null || value.isBlank()) {
                value = setting.defaultValue();
            }
            String shown = setting.secret() ? MASK : printable(maskCredentials(value.strip()));
            problems.add(setting.variable() + "='" + shown + "' " + expectation);
            failed.add(setting);
        }

        /** A problem that is not about one variable's value, such as a boundary missing from one of two lists. */
        void crossProblem(String problem) {
            problems.add(problem);
        }

        int integer(Setting setting, long min, long max, String what) {
            String value = text(setting);
            try {
                long number = Long.parseLong(value);
                if (number >= min && number <= max) {
                    return (int) number;
                }
            } catch (NumberFormatException e) {
                // reported below with the expected range
            }
            String range = max == Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max;
            problem(setting, "is not " + what + " (a whole number " + range + ")");
            return Integer.parseInt(setting.defaultValue());
        }

        int port(Setting setting, boolean anyFreePortAllowed) {
            String value = text(setting);
            try {
                int port = Integer.parseInt(value);
                if (port >= (anyFreePortAllowed ? 0 : 1) && port <= 65_535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below with the expected range
            }
            problem(setting, anyFreePortAllowed ? "is not a port (1-65535, or 0 for any free port)" : "is not a port (1-65535)");
            // A port that defaults to another setting's has no default of its own; 1 only keeps the records valid.
            return setting.defaultValue().isEmpty() ? 1 : Integer.parseInt(setting.defaultValue());
        }

        /** A positive limit, or -1 for none. */
        long cap(Setting setting) {
            String value = text(setting);
            try {
                long cap = Long.parseLong(value);
                if (cap == -1 || cap > 0) {
                    return cap;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problem(setting, "is not a limit (a positive whole number, or -1 for no limit)");
            return Long.parseLong(setting.defaultValue());
        }

        boolean bool(Setting setting) {
            switch (text(setting).toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> {
                    return true;
                }
                case "false", "0", "no" -> {
                    return false;
                }
                default -> {
                    problem(setting, "is not a boolean (true/false, 1/0 or yes/no)");
                    return Boolean.parseBoolean(setting.defaultValue());
                }
            }
        }

        Duration duration(Setting setting, boolean zeroAllowed) {
            try {
                Duration duration = parseDuration(text(setting));
                if (zeroAllowed || !duration.isZero()) {
                    return duration;
                }
                problem(setting, "is not a positive duration");
            } catch (IllegalArgumentException e) {
                problem(setting, "is not " + DURATION_EXPECTED);
            }
            return parseDuration(setting.defaultValue());
        }

        /** One of {@code allowed}, compared without regard to case; returned as listed in {@code allowed}. */
        String choice(Setting setting, List<String> allowed) {
            String value = text(setting);
            for (String candidate : allowed) {
                if (candidate.equalsIgnoreCase(value)) {
                    return candidate;
                }
            }
            problem(setting, "is not one of " + String.join(", ", allowed));
            return setting.defaultValue();
        }

        System.Logger.Level level(Setting setting) {
            return switch (text(setting).toUpperCase(Locale.ROOT)) {
                case "TRACE" -> System.Logger.Level.TRACE;
                case "DEBUG" -> System.Logger.Level.DEBUG;
                case "INFO" -> System.Logger.Level.INFO;
                case "WARN", "WARNING" -> System.Logger.Level.WARNING;
                case "ERROR" -> System.Logger.Level.ERROR;
                default -> {
                    problem(setting, "is not a log level (TRACE, DEBUG, INFO, WARN or ERROR)");
                    yield System.Logger.Level.INFO;
                }
            };
        }

        String identifier(Setting setting, String what) {
            String value = text(setting);
            try {
                return BoundarySpec.requireIdentifier(what, value);
            } catch (InvalidRequest e) {
                problem(setting, "is not a valid " + what + " name (letters, digits and '_', starting with a letter"
                        + " or '_', at most 63 characters)");
                return setting.defaultValue();
            }
        }

        Path path(Setting setting) {
            return toPath(setting, text(setting)).orElseGet(() -> Path.of(setting.defaultValue()));
        }

        Optional<Path> optionalPath(Setting setting) {
            return optional(setting).flatMap(value -> toPath(setting, value));
        }

        private Optional<Path> toPath(Setting setting, String value) {
            try {
                return Optional.of(Path.of(value));
            } catch (InvalidPathException e) {
                problem(setting, "is not a valid path");
                return Optional.empty();
            }
        }

        /** One or more NATS server URLs separated by commas; a URL without a scheme is a host:port. */
        Optional<String> natsUrl(Setting setting) {
            Optional<String> value = optional(setting);
            for (String server : value.map(v -> v.split(",", -1)).orElse(new String[0])) {
                String trimmed = server.strip();
                boolean valid = !trimmed.isEmpty() && trimmed.chars().noneMatch(Character::isWhitespace);
                int scheme = trimmed.indexOf("://");
                if (valid && scheme >= 0) {
                    valid = NATS_SCHEMES.contains(trimmed.substring(0, scheme).toLowerCase(Locale.ROOT));
                }
                if (!valid) {
                    problem(setting, "is not a NATS URL (for example nats://host:4222; several separated by commas)");
                    return Optional.empty();
                }
            }
            return value;
        }

        /** Route URLs separated by commas; blank entries are dropped, so an empty value means "no routes". */
        List<String> routes(Setting setting) {
            List<String> routes = Arrays.stream(optional(setting).orElse("").split(","))
                    .map(String::strip).filter(route -> !route.isEmpty()).toList();
            for (String route : routes) {
                if (!isRoute(route)) {
                    problem(setting, "has '" + printable(maskCredentials(route))
                            + "', which is not a route URL such as nats://host:6222");
                    return List.of();
                }
            }
            return routes;
        }

        private static boolean isRoute(String route) {
            try {
                URI uri = new URI(route);
                return uri.getScheme() != null && ROUTE_SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                        && uri.getHost() != null && uri.getPort() > 0;
            } catch (URISyntaxException e) {
                return false;
            }
        }

        PoolConfig pool(Setting maxOpen, Setting maxIdle, Setting maxIdleTime, Setting maxLifetime) {
            int open = integer(maxOpen, 1, Integer.MAX_VALUE, "a number of connections");
            int idle = integer(maxIdle, 0, Integer.MAX_VALUE, "a number of connections");
            Duration idleTime = duration(maxIdleTime, true);
            Duration lifetime = duration(maxLifetime, true);
            if (idle > open) {
                if (!failed(maxOpen) && !failed(maxIdle)) {
                    problem(maxIdle, "is more than " + maxOpen.variable() + "=" + open);
                }
                idle = open;
            }
            return new PoolConfig(open, idle, idleTime, lifetime);
        }

        /** The value as it may be quoted in a message: shortened, with control characters replaced. */
        static String printable(String value) {
            String shortened = value.length() > 120 ? value.substring(0, 120) + "..." : value;
            return shortened.replaceAll("\\p{Cntrl}", "?");
        }
    }
}
