package io.orisun.server;

import io.orisun.server.config.OrisunConfig;
import io.orisun.embedded.EmbeddedNats;
import io.orisun.embedded.EmbeddedPostgres;
import io.orisun.server.observe.LogObservation;
import io.orisun.server.observe.LogSampler;
import io.orisun.server.observe.NodeMetrics;
import io.orisun.server.observe.Tracing;
import io.orisun.server.web.AdminRoutes;
import io.orisun.server.web.Dashboard;

import io.grpc.protobuf.services.HealthStatusManager;
import io.helidon.webserver.WebServer;
import io.nats.client.Connection;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A running Orisun-J node: its PostgreSQL (embedded or external), its NATS (embedded child process or external),
 * the event log and the services over it, and the gRPC and admin HTTP listeners. Start-up builds the parts top to
 * bottom, each from those before it; {@link #close()} stops everything in reverse order.
 */
public final class OrisunServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OrisunServer.class.getName());

    private final Resources resources = new Resources();
    private final OrisunConfig config;
    private final String nodeId;
    private final Optional<Tracing> tracing;
    private WebServer webServer;
    private Readiness readiness;
    private PostgresServers servers;
    private Messaging messaging;

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
        NodeMetrics metrics = resources.add(new NodeMetrics(nodeId));
        Tracing tracing = resources.add(this.tracing.orElseGet(() -> Tracing.create(config.otel())));
        phases.mark("metrics and tracing");

        // nats-server is a process of its own that needs nothing from PostgreSQL, so it starts while PostgreSQL does.
        messaging = Messaging.begin(config, resources);
        servers = PostgresServers.start(config, metrics, resources, phases);
        Connection nats = messaging.connect(nodeId, resources, phases);
        HealthStatusManager health = new HealthStatusManager();
        // Probed through the path saves and reads take, which behind a pooler is the pooler.
        Map<String, DataSource> probes = new LinkedHashMap<>();
        servers.byName().forEach((name, database) -> probes.put(name, database.reads()));
        readiness = resources.add(new Readiness(probes, nats, health));

        LogObservation observation = new LogObservation(metrics.registry(), tracing.tracer());
        CoreServices core = CoreServices.start(config, nodeId, servers, nats, messaging.eventMac(), observation,
                metrics, resources, phases);
        Dashboard dashboard = resources.add(dashboard(core, metrics));
        phases.mark("dashboard");

        webServer = Listeners.start(config, nodeId, core, metrics, tracing, health,
                new AdminRoutes(dashboard, metrics::scrape, readiness), resources, phases);
        // The second figure counts from the JVM's own start (its uptime), so it includes the JVM's start-up and
        // everything before this method. The process start time of ProcessHandle is too coarse on Linux (its boot
        // time is in whole seconds).
        long sinceJvmStart = ManagementFactory.getRuntimeMXBean().getUptime();
        LOG.log(System.Logger.Level.INFO, "gRPC listening on port {0,number,#}, health on port {1,number,#}, node {2}"
                        + " ({3,number,#} ms after start-up began, {4,number,#} ms after the JVM started)",
                webServer.port(), webServer.port("admin"), nodeId, Duration.ofNanos(System.nanoTime() - started).toMillis(),
                sinceJvmStart);
        LOG.log(System.Logger.Level.INFO, "start-up phases (ms): {0}", phases);
    }

    /** The dashboard over the node's services, and the per-boundary gauges it shares with the metrics endpoint. */
    private Dashboard dashboard(CoreServices core, NodeMetrics metrics) {
        // A server that is down is not asked: each of its boundaries would wait for a connection in turn.
        LogSampler sampler = new LogSampler(boundary -> readiness.serverUp(boundary.server())
                ? Optional.of(servers.of(boundary).admin()) : Optional.empty(), core.boundaries(), metrics.registry(),
                core.advisor(), core.streams());
        metrics.beforeScrape(sampler::refresh);
        return new Dashboard(nodeId, core.users(), core.boundaries(), core.eventLog(), sampler, core.indexes(),
                core.advisor(), core.streams(), metrics.registry(), readiness::ready);
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
    OptionalInt pprofPort() {
        return config.pprof().enabled() ? OptionalInt.of(webServer.port("pprof")) : OptionalInt.empty();
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
        return servers == null ? Optional.empty() : servers.embedded();
    }

    /** The embedded nats-server child, when this node runs one. */
    Optional<EmbeddedNats> embeddedNats() {
        return messaging == null ? Optional.empty() : messaging.embedded();
    }

    /**
     * Stops accepting calls, lets in-flight calls finish within the shutdown timeout, answers queued saves with
     * {@code UNAVAILABLE}, then stops NATS and PostgreSQL. Safe to call more than once.
     */
    @Override
    public void close() {
        resources.closeAll();
    }
}
