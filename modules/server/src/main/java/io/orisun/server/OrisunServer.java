package io.orisun.server;

import io.orisun.server.catalog.BoundaryRegistry;
import io.orisun.server.config.GrpcConfig;
import io.orisun.server.config.NatsAccess;
import io.orisun.server.config.NatsConfig;
import io.orisun.server.config.NodeSecrets;
import io.orisun.server.config.OrisunConfig;
import io.orisun.server.config.PoolConfig;
import io.orisun.server.config.PostgresConfig;
import io.orisun.server.observe.LogObservation;
import io.orisun.server.observe.LogSampler;
import io.orisun.server.observe.NodeMetrics;
import io.orisun.server.observe.ObservedEventLog;
import io.orisun.server.observe.RpcObservation;
import io.orisun.server.observe.Tracing;
import io.orisun.server.rpc.AdminService;
import io.orisun.server.rpc.AdvisedEventLog;
import io.orisun.server.rpc.AuthInterceptor;
import io.orisun.server.rpc.BoundaryEndpoints;
import io.orisun.server.rpc.EventStoreService;
import io.orisun.server.rpc.IndexEndpoints;
import io.orisun.server.rpc.SubscriptionEndpoints;
import io.orisun.server.rpc.UserEndpoints;
import io.orisun.server.web.Dashboard;
import io.orisun.server.web.Profiling;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.grpc.protobuf.services.HealthStatusManager;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.grpc.GrpcReflectionFeature;
import io.helidon.webserver.grpc.GrpcRouting;
import io.helidon.webserver.http2.Http2Config;
import io.nats.client.Connection;
import io.orisun.api.BoundarySpec;
import io.orisun.api.EventLog;
import io.orisun.ccc.BoundarySchema;
import io.orisun.ccc.PgEventLog;
import io.orisun.embedded.EmbeddedNats;
import io.orisun.embedded.EmbeddedPostgres;
import io.orisun.publisher.EventMac;
import io.orisun.proto.AdminProto;
import io.orisun.proto.EventStoreProto;
import io.orisun.proto.ServerCapability;
import io.orisun.transport.GrpcHttp2;
import io.orisun.transport.MalformedRequests;
import io.orisun.transport.MessageSizeLimit;
import io.orisun.transport.ReflectionServiceList;
import io.orisun.transport.TransportSecurity;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A running Orisun-J node: its PostgreSQL (embedded or external), its NATS (embedded child process or external),
 * the event log, and the gRPC and admin HTTP listeners. {@link #close()} stops everything in reverse order.
 */
public final class OrisunServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OrisunServer.class.getName());

    private static final io.helidon.http.HttpMediaType PROMETHEUS_TEXT =
            io.helidon.http.HttpMediaType.create("text/plain; version=0.0.4; charset=utf-8");

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final OrisunConfig config;
    private final String nodeId;
    private WebServer webServer;
    private Readiness readiness;
    private PgEventLog eventLog;
    private EmbeddedNats embeddedNats;
    /** The key of the event messages' MAC, configured or generated. */
    private String eventSecret;
    private EmbeddedPostgres embeddedPostgres;
    private NodeMetrics metrics;
    private final Optional<Tracing> tracing;

    private OrisunServer(OrisunConfig config, Optional<Tracing> tracing) {
        this.config = config;
        this.tracing = tracing;
        this.nodeId = config.nodeId().orElseGet(() -> "orisun-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * Starts a node with {@code config} and returns once both listeners accept connections. On failure everything
     * started so far is stopped again and the exception is rethrown.
     */
    public static OrisunServer start(OrisunConfig config) {
        return start(config, Optional.empty());
    }

    /** Starts a node whose spans go to {@code tracing} whatever the configuration says; it closes with the node. */
    static OrisunServer start(OrisunConfig config, Optional<Tracing> tracing) {
        OrisunServer server = new OrisunServer(config, tracing);
        try {
            server.startComponents();
            return server;
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    private void startComponents() {
        long started = System.nanoTime();
        StartupPhases phases = new StartupPhases(started);
        metrics = new NodeMetrics(nodeId);
        resources.push(metrics);
        Tracing tracing = this.tracing.orElseGet(() -> Tracing.create(config.otel()));
        resources.push(tracing);
        phases.mark("metrics and tracing");
        // nats-server is a process of its own that needs nothing from PostgreSQL, so it starts while PostgreSQL does.
        NatsConfig natsConfig = config.nats();
        NatsAccess access = natsConfig.access();
        // Generated secrets serve a single node; clustered mode requires configured ones (see OrisunConfig).
        Optional<NodeSecrets> generated = (natsConfig.embedded() && access.password().isEmpty())
                || access.eventSecret().isEmpty() ? Optional.of(NodeSecrets.of(config.dataDir())) : Optional.empty();
        Optional<String> natsPassword = natsConfig.embedded()
                ? Optional.of(access.password().orElseGet(() -> generated.orElseThrow().natsPassword()))
                : access.password();
        eventSecret = access.eventSecret().orElseGet(() -> generated.orElseThrow().eventSecret());
        Optional<PendingStart<EmbeddedNats>> natsStart = natsConfig.url().isPresent() ? Optional.empty()
                : Optional.of(PendingStart.begin("orisun-nats-start",
                        () -> EmbeddedNats.start(EmbeddedNatsSettings.of(natsConfig, natsPassword.orElseThrow()))));
        natsStart.ifPresent(resources::push);
        PostgresConfig pg = config.postgres();
        String pgHost;
        int pgPort;
        String pgUser = pg.user();
        String pgPassword = pg.password();
        if (pg.host().isPresent()) {
            pgHost = pg.host().get();
            pgPort = pg.port();
            LOG.log(System.Logger.Level.INFO, "PostgreSQL: external at {0}:{1,number,#}/{2}", pgHost, pgPort, pg.database());
        } else {
            embeddedPostgres = EmbeddedPostgres.start(config.dataDir().resolve("pg"), pg.port(), pg.database());
            resources.push(embeddedPostgres);
            pgHost = embeddedPostgres.host();
            pgPort = embeddedPostgres.port();
            pgUser = embeddedPostgres.user();
            LOG.log(System.Logger.Level.INFO, "PostgreSQL: embedded PostgreSQL 17 on port {0,number,#}, data in {1}",
                    pgPort, embeddedPostgres.dataDirectory().toAbsolutePath().normalize());
        }
        String jdbcUrl = jdbcUrl(pgHost, pgPort, pg);
        // Work that needs a session of its own (session advisory locks of migrations and index builds, the
        // publisher's leadership lock and LISTEN) goes to the direct endpoint: behind a transaction-mode pooler the
        // pooled connections share server sessions.
        String directUrl = pg.embedded() ? jdbcUrl : jdbcUrl(pg.directHost().orElse(pgHost), pg.directPort(), pg);
        if (pg.separateDirectEndpoint()) {
            LOG.log(System.Logger.Level.INFO, "PostgreSQL: pooled connections through {0}:{1,number,#} ({2} pooling),"
                            + " session connections direct to {3}:{4,number,#}", pgHost, pgPort,
                    pg.poolMode().name().toLowerCase(java.util.Locale.ROOT), pg.directHost().orElse(pgHost), pg.directPort());
        }
        phases.mark("postgres");
        HikariDataSource admin = pool("admin", directUrl, pgUser, pgPassword, pg.adminPool(), "");
        // A node paused or cut off in the middle of a save would otherwise hold the boundary's write lock, and
        // with it every other node's saves, for as long as its TCP connection lives. It is a session setting (a
        // pooler may refuse it as a start-up option), and behind a transaction-mode pooler the session is not ours:
        // there the pooler's own idle_transaction_timeout has to do this.
        String writeSessionSql = pg.poolMode() == PostgresConfig.PoolMode.TRANSACTION ? ""
                : "SET idle_in_transaction_session_timeout = " + config.publisher().leaseTimeout().toMillis();
        HikariDataSource writes = pool("write", jdbcUrl, pgUser, pgPassword, pg.writePool(), writeSessionSql);
        HikariDataSource reads = pool("read", jdbcUrl, pgUser, pgPassword, pg.readPool(), "");

        phases.mark("pools");
        List<BoundarySpec> boundaries = config.boundaries().boundaries();
        applySchemas(admin, boundaries, pg.adminPool().maxOpen());
        phases.mark("schemas");
        LOG.log(System.Logger.Level.INFO, "boundaries: {0}", boundaries.stream()
                .map(b -> b.name() + " (schema " + b.schema() + ")").toList());

        String natsUrl;
        if (natsStart.isEmpty()) {
            natsUrl = natsConfig.url().orElseThrow();
            LOG.log(System.Logger.Level.INFO, "NATS: external at {0}", natsUrl);
        } else {
            embeddedNats = natsStart.get().await();
            resources.push(embeddedNats);
            natsUrl = embeddedNats.url();
            LOG.log(System.Logger.Level.INFO, "NATS: embedded nats-server on port {0,number,#}, store in {1}",
                    natsConfig.port(), natsConfig.storeDir().toAbsolutePath().normalize());
        }
        phases.mark("nats-server");
        Connection nats = NatsClient.connect(natsUrl, access, natsPassword, "orisun-j " + nodeId);
        resources.push(nats::close);
        phases.mark("nats connection");

        LogObservation observation = new LogObservation(metrics.registry(), tracing.tracer());
        eventLog = new PgEventLog(writes, reads, boundaries, config.groupCommit(), observation,
                config.limits().readBudget());
        resources.push(eventLog);

        HealthStatusManager health = new HealthStatusManager();
        // Probed through the path saves and reads take, which behind a pooler is the pooler.
        readiness = new Readiness(reads, nats, health);
        resources.push(readiness);

        BoundaryRegistry registry = new BoundaryRegistry(boundaries);
        registry.onActivated(eventLog::addBoundary);
        ServerContext context = new ServerContext(config, nodeId, writes, reads, admin,
                new ServerContext.PostgresEndpoint(directUrl, pgUser, pgPassword), eventLog, nats, registry, resources::push);
        phases.mark("event log");
        IndexEndpoints indexes = IndexEndpoints.create(context);
        SubscriptionEndpoints subscriptions = SubscriptionEndpoints.create(context, observation,
                EventMac.of(eventSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        io.micrometer.core.instrument.FunctionCounter.builder("orisun.feed.rejected.messages", subscriptions,
                        SubscriptionEndpoints::rejectedMessages)
                .description("NATS messages the live feeds dropped because their MAC was missing or wrong")
                .register(metrics.registry());
        phases.mark("publishers");
        UserEndpoints users = UserEndpoints.create(context);
        phases.mark("users");
        BoundaryEndpoints boundaryCatalog = BoundaryEndpoints.create(context);
        phases.mark("boundary catalog");
        AuthInterceptor auth = AuthInterceptor.create(context, users);
        phases.mark("authentication");
        EventLog advisedLog = new ObservedEventLog(new AdvisedEventLog(eventLog, indexes.advisor()), metrics.registry(),
                tracing.tracer());
        LogSampler sampler = new LogSampler(admin, registry, metrics.registry(), indexes.advisor(), subscriptions);
        metrics.beforeScrape(sampler::refresh);
        Dashboard dashboard = new Dashboard(nodeId, users.directory(), registry, eventLog, sampler, indexes, subscriptions,
                metrics.registry(), readiness::ready);
        resources.push(dashboard);
        io.micrometer.core.instrument.Gauge.builder("orisun.pubsub.subscriptions.active", subscriptions,
                SubscriptionEndpoints::activePubSubs).description("Open pub/sub subscription streams")
                .register(metrics.registry());
        phases.mark("dashboard");

        List<ServerCapability> capabilities = List.of(ServerCapability.SERVER_CAPABILITY_COMMAND_CONTEXT_CONSISTENCY,
                ServerCapability.SERVER_CAPABILITY_CATCH_UP_SUBSCRIPTIONS, ServerCapability.SERVER_CAPABILITY_INDEX_MANAGEMENT,
                ServerCapability.SERVER_CAPABILITY_BOUNDARY_CATALOG, ServerCapability.SERVER_CAPABILITY_GRPC_HEALTH);
        var grpcProtocol = io.helidon.webserver.grpc.GrpcConfig.builder()
                .maxReadBufferSize(MessageSizeLimit.transportLimit(config.grpc().maxReceiveMessageBytes()))
                .build();
        Http2Config http2 = GrpcHttp2.settings(config.grpc().maxConcurrentStreams());
        MalformedRequests malformed = new MalformedRequests(metrics.registry(), config.grpc().maxReceiveMessageBytes());
        GrpcRouting.Builder routing = GrpcRouting.builder()
                .intercept(new RpcObservation(metrics.registry(), tracing.tracer()), malformed,
                        new MessageSizeLimit(config.grpc().maxReceiveMessageBytes()), auth, new ReflectionServiceList())
                .service(EventStoreProto.getDescriptor(), MalformedRequests.answeringParseFailures(
                        new EventStoreService(advisedLog, config.limits(), indexes, subscriptions, nodeId,
                                capabilities)))
                .service(AdminProto.getDescriptor(), MalformedRequests.answeringParseFailures(
                        new AdminService(advisedLog, indexes, users, boundaryCatalog)))
                .service(io.grpc.health.v1.HealthProto.getDescriptor(),
                        MalformedRequests.answeringParseFailures(health.getHealthService()));
        var builder = WebServer.builder()
                .port(config.grpc().port())
                .featuresDiscoverServices(false)
                .shutdownHook(false)
                .shutdownGracePeriod(config.shutdownTimeout())
                // Without TCP_NODELAY, Nagle's algorithm holds small gRPC responses back until the peer's delayed
                // ACK, about 40 ms per call.
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                .addProtocol(grpcProtocol)
                .addProtocol(http2)
                .addConnectionSelector(new GrpcHttp2(http2, grpcProtocol, malformed))
                .addRouting(routing)
                .putSocket("admin", socket -> socket.port(config.adminPort()))
                .routing("admin", http -> http
                        .update(dashboard::register)
                        .get("/metrics", (req, res) -> {
                            res.headers().contentType(PROMETHEUS_TEXT);
                            res.send(metrics.scrape());
                        })
                        .get("/health/live", (req, res) -> res.send("{\"status\":\"UP\"}"))
                        .get("/health/ready", (req, res) -> {
                            boolean ready = readiness.ready();
                            res.status(ready ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503)
                                    .send("{\"status\":\"" + (ready ? "UP" : "DOWN") + "\",\"postgres\":\""
                                            + (readiness.postgresUp() ? "UP" : "DOWN") + "\",\"nats\":\""
                                            + (readiness.natsUp() ? "UP" : "DOWN") + "\"}");
                        }));
        if (config.pprof().enabled()) {
            Profiling profiling = new Profiling(users.directory().authenticator());
            builder.putSocket("pprof", socket -> socket.port(config.pprof().port()))
                    .routing("pprof", profiling::register);
        }
        ListenerTlsSettings.of(config.tls()).map(TransportSecurity::tls).ifPresent(builder::tls);
        if (config.grpc().reflectionEnabled()) {
            builder.addFeature(GrpcReflectionFeature.create(reflection -> reflection.enabled(true).addSocket("@default")));
        }
        phases.mark("routing");
        webServer = builder.build().start();
        phases.mark("listeners");
        resources.push(webServer::stop);
        // Closed before the listener stops: open subscription streams end at once with UNAVAILABLE instead of
        // holding the listener's shutdown for its whole grace period.
        resources.push(subscriptions::close);
        // The second figure counts from the JVM's own start (its uptime), so it includes the JVM's start-up and
        // everything before this method. The process start time of ProcessHandle is too coarse on Linux (its boot
        // time is in whole seconds).
        long sinceJvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        LOG.log(System.Logger.Level.INFO, "gRPC listening on port {0,number,#}, health on port {1,number,#}, node {2}"
                        + " ({3,number,#} ms after start-up began, {4,number,#} ms after the JVM started)",
                webServer.port(), webServer.port("admin"), nodeId, Duration.ofNanos(System.nanoTime() - started).toMillis(),
                sinceJvmStart);
        LOG.log(System.Logger.Level.INFO, "start-up phases (ms): {0}", phases);
    }

    /**
     * Brings every configured boundary's schema to the newest version ({@link BoundarySchema#apply} is safe to run
     * concurrently), on as many threads as the admin pool has connections, so that none waits for one; each thread
     * takes its share of the boundaries in turn and stops at its first failure, which start-up then reports.
     */
    private static void applySchemas(javax.sql.DataSource admin, List<BoundarySpec> boundaries, int connections) {
        int workers = Math.max(1, Math.min(boundaries.size(), connections));
        if (workers == 1) {
            boundaries.forEach(boundary -> BoundarySchema.apply(admin, boundary));
            return;
        }
        List<PendingStart<AutoCloseable>> runs = new java.util.ArrayList<>();
        for (int worker = 0; worker < workers; worker++) {
            int first = worker;
            List<BoundarySpec> share = java.util.stream.IntStream.range(0, boundaries.size())
                    .filter(i -> i % workers == first).mapToObj(boundaries::get).toList();
            runs.add(PendingStart.begin("orisun-migrate-" + worker, () -> {
                share.forEach(boundary -> BoundarySchema.apply(admin, boundary));
                return () -> { };
            }));
        }
        RuntimeException failure = null;
        for (PendingStart<AutoCloseable> run : runs) {
            try {
                run.await();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** How long each step of start-up took, for the log line that ends it. */
    private static final class StartupPhases {

        private final StringBuilder text = new StringBuilder();
        private long last;

        StartupPhases(long started) {
            this.last = started;
        }

        void mark(String phase) {
            long now = System.nanoTime();
            text.append(text.isEmpty() ? "" : ", ").append(phase).append(' ').append((now - last) / 1_000_000);
            last = now;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /**
     * A part of start-up that runs on a thread of its own while the rest goes on. Registered as a resource, it
     * stops what it started if start-up fails before {@link #await()} hands it over.
     */
    private static final class PendingStart<T extends AutoCloseable> implements AutoCloseable {

        private final CompletableFuture<T> result = new CompletableFuture<>();
        private volatile boolean handedOver;

        static <T extends AutoCloseable> PendingStart<T> begin(String name, java.util.function.Supplier<T> task) {
            PendingStart<T> pending = new PendingStart<>();
            Thread.ofPlatform().name(name).daemon().start(() -> {
                try {
                    pending.result.complete(task.get());
                } catch (RuntimeException | Error e) {
                    pending.result.completeExceptionally(e);
                }
            });
            return pending;
        }

        /** Waits for the task and returns what it started, or rethrows its failure. */
        T await() {
            try {
                T started = result.join();
                handedOver = true;
                return started;
            } catch (CompletionException e) {
                handedOver = true;
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            }
        }

        @Override
        public void close() throws Exception {
            if (!handedOver) {
                T started;
                try {
                    started = result.join();
                } catch (CompletionException e) {
                    return;
                }
                started.close();
            }
        }
    }

    private static String jdbcUrl(String host, int port, PostgresConfig pg) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + pg.database() + "?sslmode=" + pg.sslMode()
                + "&prepareThreshold=" + pg.prepareThreshold() + "&ApplicationName=orisun-j";
    }

    private HikariDataSource pool(String name, String jdbcUrl, String user, String password, PoolConfig poolConfig,
                                  String sessionSql) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("orisun-" + name);
        hikari.setJdbcUrl(jdbcUrl);
        hikari.setUsername(user);
        hikari.setPassword(password);
        hikari.setMaximumPoolSize(poolConfig.maxOpen());
        hikari.setMinimumIdle(Math.min(poolConfig.maxIdle(), poolConfig.maxOpen()));
        // Zero means "never" in both the configuration and HikariCP; other values respect HikariCP's minimums.
        hikari.setIdleTimeout(poolConfig.maxIdleTime().isZero() ? 0 : Math.max(10_000, poolConfig.maxIdleTime().toMillis()));
        hikari.setMaxLifetime(poolConfig.maxLifetime().isZero() ? 0 : Math.max(30_000, poolConfig.maxLifetime().toMillis()));
        hikari.setConnectionTimeout(10_000);
        hikari.setInitializationFailTimeout(30_000);
        hikari.setMetricsTrackerFactory(metrics.poolMetrics());
        if (!sessionSql.isEmpty()) {
            hikari.setConnectionInitSql(sessionSql);
        }
        HikariDataSource dataSource = new HikariDataSource(hikari);
        resources.push(dataSource);
        return dataSource;
    }

    /** The port the gRPC listener is bound to. */
    public int grpcPort() {
        return webServer.port();
    }

    /** The port of the admin HTTP listener (health endpoints). */
    public int adminPort() {
        return webServer.port("admin");
    }

    /** The port of the profiling listener, when profiling is enabled. */
    java.util.OptionalInt pprofPort() {
        return config.pprof().enabled() ? java.util.OptionalInt.of(webServer.port("pprof")) : java.util.OptionalInt.empty();
    }

    /** The node's id, as reported by GetServerInfo. */
    public String nodeId() {
        return nodeId;
    }

    /** Whether PostgreSQL and NATS are reachable. */
    public boolean ready() {
        return readiness != null && readiness.ready();
    }

    /** The embedded PostgreSQL, when this node runs one. */
    Optional<EmbeddedPostgres> embeddedPostgres() {
        return Optional.ofNullable(embeddedPostgres);
    }

    /** The embedded nats-server child, when this node runs one. */
    Optional<EmbeddedNats> embeddedNats() {
        return Optional.ofNullable(embeddedNats);
    }

    /**
     * Stops accepting calls, lets in-flight calls finish within the shutdown timeout, answers queued saves with
     * {@code UNAVAILABLE}, then stops NATS and PostgreSQL. Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "stopping " + resource + " failed", e);
            }
        }
    }
}
