package io.orisun.server.config;

import io.orisun.transport.ListenerTls;

import io.orisun.embedded.NatsSettings;

import io.orisun.api.BoundarySpec;
import io.orisun.api.JsonKey;
import io.orisun.api.ReadRequest;
import io.orisun.api.RequestLimits;
import io.orisun.auth.AuthSettings;
import io.orisun.ccc.GroupCommitSettings;
import io.orisun.publisher.PublisherSettings;
import io.orisun.publisher.StreamSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One reading of the environment into an {@link OrisunConfig}: every variable, concern by concern, then the rules
 * that relate several variables, then the records. The records of the core modules are built through
 * {@link EnvReader#record}, so that a rule their constructor refuses is still told as a problem naming variables;
 * the records of this package only once no problem was found.
 */
final class ConfigReading {

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Map<String, String> env;
    private final EnvReader in;

    private int grpcPort;
    private boolean reflection;
    private int maxReceive;
    private int maxSend;
    private Duration keepAliveTime;
    private Duration keepAliveTimeout;
    private int maxStreams;

    private boolean tlsEnabled;
    private Optional<Path> certFile;
    private Optional<Path> keyFile;
    private Optional<Path> caFile;
    private boolean clientAuth;

    private Optional<String> pgHost;
    private int pgPort;
    private String pgUser;
    private String pgPassword;
    private String pgName;
    private String sslMode;
    private boolean listen;
    private PostgresConfig.PoolMode poolMode;
    private int prepareThreshold;
    private Optional<String> directHost;
    private int directPort;
    private Map<String, PostgresConfig> servers;
    private List<BoundarySpec> boundaryList;
    private String adminBoundary;
    private PoolConfig writePool;
    private PoolConfig readPool;
    private PoolConfig adminPool;

    private int gcRequests;
    private int gcEvents;
    private int gcPending;

    private int limitCriteria;
    private int limitTags;
    private int limitKey;
    private int limitValue;
    private int limitEvents;
    private int limitData;
    private int limitMetadata;
    private Duration writeBudget;
    private Duration readBudget;

    private int adminPort;
    private String adminUser;
    private String adminPassword;
    private Duration sessionTtl;

    private Optional<String> natsUrl;
    private String natsServerName;
    private int natsPort;
    private String natsHost;
    private String natsUser;
    private Optional<String> natsPassword;
    private Optional<String> natsToken;
    private Optional<Path> credsFile;
    private Optional<Path> natsCa;
    private Optional<Path> natsCert;
    private Optional<Path> natsKey;
    private Optional<String> eventSecret;
    private int maxPayload;
    private Path storeDir;
    private Optional<Path> serverPath;
    private long streamMaxBytes;
    private long streamMaxMsgs;
    private Duration streamMaxAge;
    private int replicas;

    private boolean clusterEnabled;
    private String clusterName;
    private String clusterHost;
    private int clusterPort;
    private String clusterUser;
    private String clusterPassword;
    private List<String> routes;
    private Duration clusterTimeout;

    private int batchSize;
    private Duration leaseTimeout;

    private boolean pprofEnabled;
    private Optional<String> nodeId;

    private ConfigReading(Map<String, String> env) {
        this.env = env;
        this.in = new EnvReader(env);
    }

    /** @see OrisunConfig#fromEnv(Map) */
    static OrisunConfig read(Map<String, String> env) {
        return new ConfigReading(env).read();
    }

    private OrisunConfig read() {
        readGrpc();
        readPostgres();
        readLimits();
        readAdmin();
        readNats();
        batchSize = in.integer(Setting.POLLING_PUBLISHER_BATCH_SIZE, 1, ReadRequest.MAX_COUNT, "a number of events");
        leaseTimeout = in.duration(Setting.PUBLISHER_LEASE_TIMEOUT, false);
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
        pprofEnabled = in.bool(Setting.PPROF_ENABLED);
        int pprofPort = in.port(Setting.PPROF_PORT, true);

        Path dataDir = in.path(Setting.DATA_DIR);
        nodeId = in.optional(Setting.NODE_ID);
        if (nodeId.isPresent() && !NODE_ID.matcher(nodeId.get()).matches()) {
            in.problem(Setting.NODE_ID, "is not a node id (letters, digits, '.', '_' and '-', at most 64 characters)");
        }
        Duration shutdownTimeout = in.duration(Setting.SHUTDOWN_TIMEOUT, false);

        checkAcrossVariables();
        Optional<RequestLimits> limits = limits();
        Optional<GroupCommitSettings> groupCommit = in.record("group commit", () -> new GroupCommitSettings(gcRequests,
                        gcEvents, gcPending, writeBudget), Setting.PG_GC_MAX_BATCH_REQUESTS, Setting.PG_GC_MAX_BATCH_EVENTS,
                Setting.PG_GC_MAX_PENDING, Setting.LIMIT_WRITE_BUDGET);
        Optional<PublisherSettings> publisher = publisher();
        Optional<AuthSettings> auth = auth();
        UnknownNames.check(in, env);

        if (!in.problems().isEmpty()) {
            throw new ConfigException(in.problems());
        }
        try {
            return new OrisunConfig(
                    new GrpcConfig(grpcPort, reflection, maxReceive, maxSend, keepAliveTime, keepAliveTimeout, maxStreams),
                    tlsEnabled ? Optional.of(new ListenerTls(certFile.orElseThrow(), keyFile.orElseThrow(),
                            clientAuth ? caFile : Optional.empty())) : Optional.empty(),
                    new PostgresConfig(pgHost, pgPort, pgUser, pgPassword, pgName, sslMode, listen, prepareThreshold,
                            poolMode, directHost, directPort, writePool, readPool, adminPool),
                    servers, new BoundariesConfig(boundaryList, adminBoundary), adminPort, auth.orElseThrow(),
                    new NatsConfig(natsUrl, natsServerName, natsPort, maxPayload, storeDir, serverPath,
                            clusterEnabled ? Optional.of(new NatsSettings.Cluster(clusterName, clusterHost, clusterPort,
                                    clusterUser, clusterPassword, routes, clusterTimeout)) : Optional.empty(),
                            new NatsAccess(natsHost, natsUser, natsPassword, natsToken, credsFile, natsCa, natsCert,
                                    natsKey, eventSecret)),
                    publisher.orElseThrow(), groupCommit.orElseThrow(), limits.orElseThrow(),
                    new LoggingConfig(level, format), new OtelConfig(otelEnabled, otelEndpoint, otelService),
                    new PprofConfig(pprofEnabled, pprofPort), dataDir, nodeId, shutdownTimeout, in.warnings());
        } catch (IllegalArgumentException e) {
            // The checks above should have caught this with the variable's name; keep start-up failing clearly.
            throw new ConfigException(List.of("invalid configuration: " + e.getMessage()));
        }
    }

    private void readGrpc() {
        grpcPort = in.port(Setting.GRPC_PORT, true);
        reflection = in.bool(Setting.GRPC_ENABLE_REFLECTION);
        maxReceive = in.integer(Setting.GRPC_MAX_RECEIVE_MESSAGE_SIZE, 1, Integer.MAX_VALUE, "a size in bytes");
        maxSend = in.integer(Setting.GRPC_MAX_SEND_MESSAGE_SIZE, 1, Integer.MAX_VALUE, "a size in bytes");
        keepAliveTime = in.duration(Setting.GRPC_KEEP_ALIVE_TIME, false);
        keepAliveTimeout = in.duration(Setting.GRPC_KEEP_ALIVE_TIMEOUT, false);
        maxStreams = in.integer(Setting.GRPC_MAX_CONCURRENT_STREAMS, 1, Integer.MAX_VALUE, "a number of streams");

        tlsEnabled = in.bool(Setting.GRPC_TLS_ENABLED);
        certFile = in.optionalPath(Setting.GRPC_TLS_CERT_FILE);
        keyFile = in.optionalPath(Setting.GRPC_TLS_KEY_FILE);
        caFile = in.optionalPath(Setting.GRPC_TLS_CA_FILE);
        clientAuth = in.bool(Setting.GRPC_TLS_CLIENT_AUTH_REQUIRED);
    }

    private void readPostgres() {
        pgHost = in.optional(Setting.PG_HOST);
        pgPort = in.port(Setting.PG_PORT, false);
        pgUser = in.text(Setting.PG_USER);
        pgPassword = in.text(Setting.PG_PASSWORD);
        pgName = in.identifier(Setting.PG_NAME, "database");
        sslMode = in.choice(Setting.PG_SSLMODE, List.of("disable", "allow", "prefer", "require", "verify-ca",
                "verify-full"));
        listen = in.bool(Setting.PG_LISTEN_ENABLED);
        poolMode = PostgresConfig.PoolMode.valueOf(
                in.choice(Setting.PG_POOL_MODE, List.of("session", "transaction")).toUpperCase(Locale.ROOT));
        // Behind a transaction-mode pooler, a server-side prepared statement is created on one server connection
        // and then looked for on another; PgBouncer before 1.21 cannot track them.
        prepareThreshold = poolMode == PostgresConfig.PoolMode.TRANSACTION && !in.isSet(Setting.PG_PREPARE_THRESHOLD)
                ? 0 : in.integer(Setting.PG_PREPARE_THRESHOLD, 0, Integer.MAX_VALUE, "a number of executions");
        directHost = in.optional(Setting.PG_DIRECT_HOST);
        directPort = in.isSet(Setting.PG_DIRECT_PORT) ? in.port(Setting.PG_DIRECT_PORT, false) : pgPort;

        writePool = in.pool(Setting.PG_WRITE_MAX_OPEN_CONNS, Setting.PG_WRITE_MAX_IDLE_CONNS,
                Setting.PG_WRITE_CONN_MAX_IDLE_TIME, Setting.PG_WRITE_CONN_MAX_LIFETIME);
        readPool = in.pool(Setting.PG_READ_MAX_OPEN_CONNS, Setting.PG_READ_MAX_IDLE_CONNS,
                Setting.PG_READ_CONN_MAX_IDLE_TIME, Setting.PG_READ_CONN_MAX_LIFETIME);
        adminPool = in.pool(Setting.PG_ADMIN_MAX_OPEN_CONNS, Setting.PG_ADMIN_MAX_IDLE_CONNS,
                Setting.PG_ADMIN_CONN_MAX_IDLE_TIME, Setting.PG_ADMIN_CONN_MAX_LIFETIME);
        // After the default server's settings: a named server takes those that parsed, so one bad value is one problem.
        List<String> serverNames = ServerVariables.names(in);
        servers = ServerVariables.read(in, env, serverNames, listen);
        Set<String> placeable = new HashSet<>(serverNames);
        placeable.add(BoundarySpec.DEFAULT_SERVER);
        boundaryList = BoundaryVariables.read(in, placeable);
        adminBoundary = in.text(Setting.ADMIN_BOUNDARY);
    }

    private void readLimits() {
        gcRequests = in.integer(Setting.PG_GC_MAX_BATCH_REQUESTS, 1, Integer.MAX_VALUE, "a number of requests");
        gcEvents = in.integer(Setting.PG_GC_MAX_BATCH_EVENTS, 1, Integer.MAX_VALUE, "a number of events");
        gcPending = in.integer(Setting.PG_GC_MAX_PENDING, 1, Integer.MAX_VALUE, "a number of requests");

        limitCriteria = in.integer(Setting.LIMIT_CRITERIA, 1, Integer.MAX_VALUE, "a number of criteria");
        limitTags = in.integer(Setting.LIMIT_TAGS, 1, Integer.MAX_VALUE, "a number of tags");
        limitKey = in.integer(Setting.LIMIT_TAG_KEY_LENGTH, 1, JsonKey.MAX_LENGTH, "a number of characters");
        limitValue = in.integer(Setting.LIMIT_TAG_VALUE_LENGTH, 1, Integer.MAX_VALUE, "a number of characters");
        limitEvents = in.integer(Setting.LIMIT_EVENTS_PER_SAVE, 1, Integer.MAX_VALUE, "a number of events");
        limitData = in.integer(Setting.LIMIT_EVENT_DATA_BYTES, 1, Integer.MAX_VALUE, "a size in bytes");
        limitMetadata = in.integer(Setting.LIMIT_EVENT_METADATA_BYTES, 1, Integer.MAX_VALUE, "a size in bytes");
        writeBudget = in.duration(Setting.LIMIT_WRITE_BUDGET, false);
        readBudget = in.duration(Setting.LIMIT_READ_BUDGET, false);
    }

    private void readAdmin() {
        adminPort = in.port(Setting.ADMIN_PORT, true);
        adminUser = in.text(Setting.ADMIN_USERNAME);
        if (adminUser.length() < AuthSettings.MIN_USERNAME_LENGTH) {
            in.problem(Setting.ADMIN_USERNAME, "is too short (at least " + AuthSettings.MIN_USERNAME_LENGTH
                    + " characters)");
            adminUser = Setting.ADMIN_USERNAME.defaultValue();
        }
        adminPassword = in.text(Setting.ADMIN_PASSWORD);
        if (adminPassword.length() < AuthSettings.MIN_PASSWORD_LENGTH) {
            in.problem(Setting.ADMIN_PASSWORD, "is too short (at least " + AuthSettings.MIN_PASSWORD_LENGTH
                    + " characters)");
            adminPassword = Setting.ADMIN_PASSWORD.defaultValue();
        }
        sessionTtl = in.duration(Setting.AUTH_SESSION_TTL, false);
    }

    private void readNats() {
        natsUrl = in.natsUrl(Setting.NATS_URL);
        natsServerName = in.text(Setting.NATS_SERVER_NAME);
        natsPort = in.port(Setting.NATS_PORT, false);
        natsHost = in.text(Setting.NATS_HOST);
        natsUser = in.text(Setting.NATS_USER);
        natsPassword = in.secret(Setting.NATS_PASSWORD);
        natsToken = in.secret(Setting.NATS_TOKEN);
        credsFile = in.optionalPath(Setting.NATS_CREDS_FILE);
        natsCa = in.optionalPath(Setting.NATS_TLS_CA_FILE);
        natsCert = in.optionalPath(Setting.NATS_TLS_CERT_FILE);
        natsKey = in.optionalPath(Setting.NATS_TLS_KEY_FILE);
        eventSecret = in.secret(Setting.NATS_EVENT_SECRET);
        if (eventSecret.isPresent() && eventSecret.get().length() < NatsAccess.MIN_SECRET_LENGTH) {
            in.problem(Setting.NATS_EVENT_SECRET, "is too short (at least " + NatsAccess.MIN_SECRET_LENGTH
                    + " characters; for example: openssl rand -base64 32)");
            eventSecret = Optional.empty();
        }
        // nats-server refuses a max_payload above 64 MiB.
        maxPayload = in.integer(Setting.NATS_MAX_PAYLOAD, 1, 64 * 1024 * 1024, "a size in bytes");
        storeDir = in.path(Setting.NATS_STORE_DIR);
        serverPath = in.optionalPath(Setting.NATS_SERVER_PATH);
        streamMaxBytes = in.cap(Setting.NATS_EVENT_STREAM_MAX_BYTES);
        streamMaxMsgs = in.cap(Setting.NATS_EVENT_STREAM_MAX_MSGS);
        streamMaxAge = in.duration(Setting.NATS_EVENT_STREAM_MAX_AGE, true);
        replicas = in.integer(Setting.NATS_STREAM_REPLICAS, 1, StreamSettings.MAX_REPLICAS, "a replica count");

        clusterEnabled = in.bool(Setting.NATS_CLUSTER_ENABLED);
        clusterName = in.text(Setting.NATS_CLUSTER_NAME);
        clusterHost = in.text(Setting.NATS_CLUSTER_HOST);
        clusterPort = in.port(Setting.NATS_CLUSTER_PORT, false);
        clusterUser = in.optional(Setting.NATS_CLUSTER_USERNAME).orElse("");
        clusterPassword = in.text(Setting.NATS_CLUSTER_PASSWORD);
        routes = in.routes(Setting.NATS_CLUSTER_ROUTES);
        clusterTimeout = in.duration(Setting.NATS_CLUSTER_TIMEOUT, false);
    }

    /** Rules that relate several variables; each is checked only when its inputs parsed, to avoid echo errors. */
    private void checkAcrossVariables() {
        if (!boundaryList.isEmpty() && !in.failed(Setting.ADMIN_BOUNDARY)
                && boundaryList.stream().noneMatch(b -> b.name().equals(adminBoundary))) {
            String source = in.isSet(Setting.BOUNDARIES) ? "ORISUN_BOUNDARIES and ORISUN_PG_SCHEMAS" : "ORISUN_PG_SCHEMAS";
            in.problem(Setting.ADMIN_BOUNDARY, "is not one of the boundaries configured by " + source + " ("
                    + boundaryList.stream().map(BoundarySpec::name).collect(Collectors.joining(", ")) + ")");
        }
        boundaryList.stream().filter(b -> b.name().equals(adminBoundary))
                .filter(b -> !b.server().equals(BoundarySpec.DEFAULT_SERVER)).findFirst()
                .ifPresent(b -> in.problem(Setting.ADMIN_BOUNDARY, "is placed on server '" + b.server() + "'; the"
                        + " admin boundary holds the users and the boundary catalog, which stay on the default server"));
        if ((long) limitCriteria * limitTags > RequestLimits.MAX_TAGS_PER_QUERY
                && !in.failed(Setting.LIMIT_CRITERIA) && !in.failed(Setting.LIMIT_TAGS)) {
            in.crossProblem("ORISUN_LIMIT_CRITERIA=" + limitCriteria + " times ORISUN_LIMIT_TAGS=" + limitTags + " is "
                    + (long) limitCriteria * limitTags + " tags per query; at most " + RequestLimits.MAX_TAGS_PER_QUERY
                    + " fit the parameters of one PostgreSQL statement");
            // The defaults stand in, so that the request limits are still checked for the other variables.
            in.markFailed(Setting.LIMIT_CRITERIA);
            in.markFailed(Setting.LIMIT_TAGS);
            limitCriteria = RequestLimits.DEFAULTS.criteria();
            limitTags = RequestLimits.DEFAULTS.tagsPerCriterion();
        }
        ListenerChecks.checkPooler(in, pgHost.isPresent(), poolMode == PostgresConfig.PoolMode.TRANSACTION,
                prepareThreshold);
        ListenerChecks.checkTls(in, tlsEnabled, certFile, keyFile, caFile, clientAuth);
        NatsChecks.checkReplicas(in, replicas, natsUrl.isPresent(), clusterEnabled);
        ListenerChecks.checkPortClashes(in, pgHost.isEmpty(), natsUrl.isEmpty(), clusterEnabled, pprofEnabled);
        NatsChecks.checkCredentials(in, natsUrl.isPresent(), natsPassword, natsToken, credsFile, natsCa, natsCert,
                natsKey);
        if (clusterEnabled && natsUrl.isEmpty()) {
            NatsChecks.checkRouteAuthentication(in, clusterHost, clusterUser, clusterPassword, routes);
            NatsChecks.checkClusterSecrets(in, natsPassword, eventSecret);
        }
        if (clusterEnabled && natsUrl.isPresent()) {
            in.warn("ORISUN_NATS_CLUSTER_ENABLED=true has no effect with an external ORISUN_NATS_URL;"
                    + " the cluster is that server's own configuration");
        }
    }

    private Optional<RequestLimits> limits() {
        return in.record("the request limits", () -> new RequestLimits(limitCriteria, limitTags, limitKey, limitValue,
                        limitEvents, limitData, limitMetadata, writeBudget, readBudget),
                Setting.LIMIT_CRITERIA, Setting.LIMIT_TAGS, Setting.LIMIT_TAG_KEY_LENGTH, Setting.LIMIT_TAG_VALUE_LENGTH,
                Setting.LIMIT_EVENTS_PER_SAVE, Setting.LIMIT_EVENT_DATA_BYTES, Setting.LIMIT_EVENT_METADATA_BYTES,
                Setting.LIMIT_WRITE_BUDGET, Setting.LIMIT_READ_BUDGET);
    }

    /**
     * The publisher with its stream limits. Its node id is {@code ORISUN_NODE_ID}, or empty when the node generates
     * one at start: the node applies it with {@link PublisherSettings#withNodeId}.
     */
    private Optional<PublisherSettings> publisher() {
        Optional<StreamSettings> stream = in.record("the event streams", () -> new StreamSettings(streamMaxAge,
                        streamMaxBytes, streamMaxMsgs, replicas), Setting.NATS_EVENT_STREAM_MAX_AGE,
                Setting.NATS_EVENT_STREAM_MAX_BYTES, Setting.NATS_EVENT_STREAM_MAX_MSGS, Setting.NATS_STREAM_REPLICAS);
        return stream.flatMap(settings -> in.record("the publisher", () -> PublisherSettings.of(nodeId.orElse(""),
                        batchSize, listen, leaseTimeout, settings),
                Setting.POLLING_PUBLISHER_BATCH_SIZE, Setting.PUBLISHER_LEASE_TIMEOUT, Setting.PG_LISTEN_ENABLED));
    }

    private Optional<AuthSettings> auth() {
        BoundarySpec admin = boundaryList.stream().filter(b -> b.name().equals(adminBoundary)).findFirst()
                // Stands in when the boundaries are in error (already reported), so that the account is still checked.
                .orElse(new BoundarySpec(Setting.ADMIN_BOUNDARY.defaultValue(), "admin", ""));
        return in.record("the administrator account", () -> AuthSettings.of(admin, adminUser, adminPassword,
                sessionTtl), Setting.ADMIN_USERNAME, Setting.ADMIN_PASSWORD, Setting.AUTH_SESSION_TTL);
    }
}
