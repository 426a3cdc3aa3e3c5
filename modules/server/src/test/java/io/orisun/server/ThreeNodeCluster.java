package io.orisun.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.PingRequest;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.RestartablePostgres;
import io.orisun.testsupport.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Three real Orisun-J nodes in child JVMs on loopback ports, each with its embedded nats-server joined to a NATS
 * cluster (event streams replicated three times), sharing two PostgreSQL servers of their own that a test may stop
 * and restart: the default one, with {@link #DEFAULT_BOUNDARY} and the admin boundary, and the one named
 * {@link #SECOND_SERVER}, with {@link #SECOND_BOUNDARY}. Everything it started, nats-servers included, stops when it
 * closes.
 */
final class ThreeNodeCluster implements AutoCloseable {

    static final int NODES = 3;
    static final String DATABASE = "orisun";
    static final String SECOND_SERVER = "second";
    static final String SECOND_DATABASE = "orisun_second";
    /** A boundary on the default server, in its {@code public} schema. */
    static final String DEFAULT_BOUNDARY = "orisun_test_1";
    /** A boundary on {@link #SECOND_SERVER}, in its {@code test2} schema. */
    static final String SECOND_BOUNDARY = "orisun_test_2";
    /** The admin boundary, which stays on the default server. */
    static final String ADMIN_BOUNDARY = "orisun_admin";
    private static final Map<String, String> SCHEMAS = Map.of(DEFAULT_BOUNDARY, "public", SECOND_BOUNDARY, "test2",
            ADMIN_BOUNDARY, "admin");
    /** The client password of every node's nats-server. */
    static final String NATS_PASSWORD = "three-node-cluster-nats-password";
    private static final Duration STARTUP = Duration.ofSeconds(180);

    private final RestartablePostgres postgres;
    private final RestartablePostgres second;
    private final Path root;
    private final List<Map<String, String>> environments = new ArrayList<>();
    private final ChildNode[] processes = new ChildNode[NODES];
    private final ManagedChannel[] channels = new ManagedChannel[NODES];
    private final int[] natsPorts = new int[NODES];
    private final TestCertificates certificates;
    private final boolean[] up = new boolean[NODES];
    private final boolean[] paused = new boolean[NODES];

    /** Stops the child processes when the test JVM is stopped (Ctrl-C, a fork timeout) before {@link #close()}. */
    private final Thread cleanup = new Thread(this::stopProcesses, "three-node-cluster-cleanup");

    private ThreeNodeCluster(Map<String, String> extra) throws IOException {
        Runtime.getRuntime().addShutdownHook(cleanup);
        postgres = RestartablePostgres.start(DATABASE);
        second = RestartablePostgres.start(SECOND_DATABASE);
        root = Files.createTempDirectory("orisun-cluster");
        certificates = TestCertificates.create(root).withNatsServer();
        int[] clusterPorts = new int[NODES];
        for (int i = 0; i < NODES; i++) {
            clusterPorts[i] = NatsFixture.freePort();
            natsPorts[i] = NatsFixture.freePort();
        }
        for (int i = 0; i < NODES; i++) {
            Map<String, String> env = new HashMap<>();
            env.put("ORISUN_PG_HOST", postgres.host());
            env.put("ORISUN_PG_PORT", String.valueOf(postgres.port()));
            env.put("ORISUN_PG_USER", postgres.user());
            env.put("ORISUN_PG_PASSWORD", postgres.password());
            env.put("ORISUN_PG_NAME", DATABASE);
            env.putAll(NamedServer.variables(SECOND_SERVER, second, SECOND_DATABASE, Map.of()));
            env.put("ORISUN_PG_SCHEMAS", DEFAULT_BOUNDARY + ":" + SCHEMAS.get(DEFAULT_BOUNDARY) + "," + SECOND_BOUNDARY
                    + ":" + SCHEMAS.get(SECOND_BOUNDARY) + ":" + SECOND_SERVER + "," + ADMIN_BOUNDARY + ":"
                    + SCHEMAS.get(ADMIN_BOUNDARY));
            env.put("ORISUN_NODE_ID", nodeId(i));
            env.put("ORISUN_GRPC_PORT", String.valueOf(NatsFixture.freePort()));
            env.put("ORISUN_ADMIN_PORT", String.valueOf(NatsFixture.freePort()));
            env.put("ORISUN_DATA_DIR", root.resolve("node-" + (i + 1)).toString());
            env.put("ORISUN_NATS_SERVER_NAME", "orisun-nats-" + (i + 1));
            env.put("ORISUN_NATS_PORT", String.valueOf(natsPorts[i]));
            env.put("ORISUN_NATS_STORE_DIR", natsDir(i).toString());
            env.put("ORISUN_NATS_CLUSTER_ENABLED", "true");
            env.put("ORISUN_NATS_CLUSTER_HOST", "127.0.0.1");
            env.put("ORISUN_NATS_CLUSTER_PORT", String.valueOf(clusterPorts[i]));
            env.put("ORISUN_NATS_CLUSTER_PASSWORD", "cluster-secret");
            env.put("ORISUN_NATS_PASSWORD", NATS_PASSWORD);
            // Routes and clients over TLS: every nats-server presents the same certificate, signed by the test CA.
            env.put("ORISUN_NATS_TLS_CERT_FILE", certificates.cert("nats").toString());
            env.put("ORISUN_NATS_TLS_KEY_FILE", certificates.key("nats").toString());
            env.put("ORISUN_NATS_TLS_CA_FILE", certificates.cert("ca").toString());
            env.put("ORISUN_NATS_EVENT_SECRET", "three-node-cluster-event-secret-0123456789");
            List<String> routes = new ArrayList<>();
            for (int j = 0; j < NODES; j++) {
                if (j != i) {
                    routes.add("nats://nats:cluster-secret@127.0.0.1:" + clusterPorts[j]);
                }
            }
            env.put("ORISUN_NATS_CLUSTER_ROUTES", String.join(",", routes));
            env.put("ORISUN_NATS_STREAM_REPLICAS", "3");
            // The whole run fits in the stream, so that the audit can compare the stream with the log.
            env.put("ORISUN_NATS_EVENT_STREAM_MAX_AGE", "1h");
            env.putAll(extra);
            environments.add(Map.copyOf(env));
        }
    }

    /** Starts the three nodes: the first alone (it creates the schema and the admin), then the other two together. */
    static ThreeNodeCluster start(Map<String, String> extra) throws IOException {
        ThreeNodeCluster cluster = new ThreeNodeCluster(extra);
        try {
            cluster.startNode(0);
            cluster.awaitReady(0);
            cluster.startNode(1);
            cluster.startNode(2);
            cluster.awaitReady(1);
            cluster.awaitReady(2);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    static String nodeId(int i) {
        return "node-" + (i + 1);
    }

    private Path natsDir(int i) {
        return root.resolve("nats-" + (i + 1));
    }

    /** The default server. */
    RestartablePostgres postgres() {
        return postgres;
    }

    /** The server named {@link #SECOND_SERVER}. */
    RestartablePostgres second() {
        return second;
    }

    /**
     * How many events of {@code boundary} the database of each server in {@code servers} ({@code default},
     * {@link #SECOND_SERVER}) holds, by server name, or -1 for a server without the boundary's table.
     */
    Map<String, Long> rowsByServer(String boundary, Set<String> servers) throws SQLException {
        String table = SCHEMAS.get(boundary) + "." + boundary + "_orisun_es_event";
        Map<String, Long> rows = new TreeMap<>();
        for (String server : servers) {
            try (Connection database = server.equals(SECOND_SERVER) ? second.connect(SECOND_DATABASE)
                    : postgres.connect(DATABASE)) {
                rows.put(server, rows(database, table));
            }
        }
        return rows;
    }

    private static long rows(Connection database, String table) throws SQLException {
        try (PreparedStatement exists = database.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, table);
            try (ResultSet row = exists.executeQuery()) {
                row.next();
                if (!row.getBoolean(1)) {
                    return -1;
                }
            }
        }
        // The table name comes from the constants above, not from input.
        try (PreparedStatement count = database.prepareStatement("SELECT count(*) FROM " + table);
             ResultSet row = count.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    Duration leaseTimeout() {
        return Duration.parse("PT" + environments.getFirst().getOrDefault("ORISUN_PUBLISHER_LEASE_TIMEOUT", "5s")
                .toUpperCase(java.util.Locale.ROOT));
    }

    synchronized void startNode(int i) {
        processes[i] = ChildNode.start(environments.get(i));
        if (channels[i] == null) {
            channels[i] = NettyChannelBuilder.forAddress("127.0.0.1",
                            Integer.parseInt(environments.get(i).get("ORISUN_GRPC_PORT")))
                    .usePlaintext()
                    .maxInboundMessageSize(64 * 1024 * 1024)
                    .build();
        }
    }

    /** Waits until node {@code i} answers a Ping, then counts it up. */
    void awaitReady(int i) {
        StreamCollector.await(nodeId(i) + " answers", STARTUP, () -> {
            if (!processes[i].alive()) {
                throw new AssertionError(nodeId(i) + " exited; output:\n" + processes[i].output());
            }
            try {
                EventStoreGrpc.newBlockingStub(channels[i]).withInterceptors(TestServer.basicAuth("admin", "changeit"))
                        .withDeadlineAfter(2, TimeUnit.SECONDS).ping(PingRequest.getDefaultInstance());
                return true;
            } catch (RuntimeException notYet) {
                return false;
            }
        });
        up[i] = true;
    }

    synchronized boolean up(int i) {
        return up[i];
    }

    /** A node that is up, starting with {@code preferred}. */
    synchronized int upNode(int preferred) {
        for (int k = 0; k < NODES; k++) {
            int i = (preferred + k) % NODES;
            if (up[i]) {
                return i;
            }
        }
        throw new IllegalStateException("no node is up");
    }

    ManagedChannel channel(int i) {
        return channels[i];
    }

    ChildNode process(int i) {
        return processes[i];
    }

    /** A TLS context that trusts the CA of the nats-servers' certificate. */
    javax.net.ssl.SSLContext natsTls() {
        return NatsClient.trusting(certificates.cert("ca"));
    }

    int natsPort(int i) {
        return natsPorts[i];
    }

    void kill(int i) throws InterruptedException {
        markDown(i);
        processes[i].kill();
    }

    void pause(int i) throws IOException, InterruptedException {
        markDown(i);
        processes[i].pause();
        synchronized (this) {
            paused[i] = true;
        }
    }

    void resume(int i) throws IOException, InterruptedException {
        processes[i].resume();
        synchronized (this) {
            paused[i] = false;
            up[i] = true;
        }
    }

    /**
     * Makes the cluster whole again, whatever a scenario left behind: PostgreSQL runs, a paused node is resumed, a
     * killed one started again, and every node is ready (it reaches PostgreSQL and its nats-server, which its
     * supervisor restarts after a kill).
     */
    void restore() throws IOException, InterruptedException {
        postgres.startIfStopped();
        second.startIfStopped();
        for (int i = 0; i < NODES; i++) {
            boolean wasPaused;
            synchronized (this) {
                wasPaused = paused[i];
            }
            if (wasPaused) {
                resume(i);
            } else if (!processes[i].alive()) {
                startNode(i);
            }
        }
        for (int i = 0; i < NODES; i++) {
            awaitReady(i);
            awaitHealthy(i);
        }
    }

    /**
     * Waits until node {@code i} answers {@code /health/ready} with 200 and {@code UP}: both PostgreSQL servers and
     * NATS reachable.
     */
    private void awaitHealthy(int i) {
        StreamCollector.await(nodeId(i) + " is ready", STARTUP, () -> {
            try {
                ServerFoundationIT.HttpAnswer answer = readiness(i);
                return answer.code() == 200 && answer.body().contains("\"status\":\"UP\"");
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /** Node {@code i}'s answer to {@code /health/ready}. */
    ServerFoundationIT.HttpAnswer readiness(int i) throws IOException {
        return ServerFoundationIT.get("http://127.0.0.1:" + environments.get(i).get("ORISUN_ADMIN_PORT")
                + "/health/ready");
    }

    private synchronized void markDown(int i) {
        up[i] = false;
    }

    /** Kills node {@code i}'s nats-server with SIGKILL; the node's supervisor starts it again. */
    long killNats(int i) throws IOException, InterruptedException {
        long pid = natsPid(i).orElseThrow(() -> new AssertionError("no nats-server pid for " + nodeId(i)));
        ChildNode.signal("KILL", pid);
        return pid;
    }

    Optional<Long> natsPid(int i) {
        try {
            return Optional.of(Long.parseLong(Files.readString(natsDir(i).resolve("nats-server.pid")).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The node index holding each boundary's publisher lease, by boundary, from both servers: a lease lives on its
     * boundary's server. A server that does not answer contributes nothing.
     */
    Map<String, Integer> leaseHolders() {
        Map<String, Integer> holders = leaseHolders(postgres, DATABASE);
        for (Map.Entry<String, Integer> onSecond : leaseHolders(second, SECOND_DATABASE).entrySet()) {
            if (holders.put(onSecond.getKey(), onSecond.getValue()) != null) {
                throw new AssertionError("leases of " + onSecond.getKey() + " on both servers");
            }
        }
        return holders;
    }

    private static Map<String, Integer> leaseHolders(RestartablePostgres server, String database) {
        try (Connection connection = server.connect(database);
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                      WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE 'orisun-publisher %'""");
             ResultSet rows = statement.executeQuery()) {
            Map<String, Integer> holders = new TreeMap<>();
            while (rows.next()) {
                String[] parts = rows.getString(1).split(" ");
                Integer previous = holders.put(parts[2], Integer.parseInt(parts[1].substring("node-".length())) - 1);
                if (previous != null) {
                    throw new AssertionError("two holders of the lease of " + parts[2]);
                }
            }
            return holders;
        } catch (SQLException e) {
            // While PostgreSQL restarts nobody can tell.
            return Map.of();
        }
    }

    /** What every PostgreSQL session of both servers' databases is doing, for failure messages. */
    String activity() {
        return "default:\n" + activity(postgres, DATABASE) + SECOND_SERVER + ":\n" + activity(second, SECOND_DATABASE);
    }

    private static String activity(RestartablePostgres server, String database) {
        try (Connection connection = server.connect(database);
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT pid, application_name, state, wait_event_type, wait_event, now() - xact_start,
                            left(query, 80) FROM pg_stat_activity WHERE datname = current_database()
                      ORDER BY xact_start NULLS LAST""");
             ResultSet rows = statement.executeQuery()) {
            StringBuilder out = new StringBuilder();
            while (rows.next()) {
                for (int c = 1; c <= 7; c++) {
                    out.append(rows.getString(c)).append(c < 7 ? " | " : "\n");
                }
            }
            return out.toString();
        } catch (SQLException e) {
            return "(no activity: " + e.getMessage() + ")";
        }
    }

    private void stopProcesses() {
        for (int i = 0; i < NODES; i++) {
            if (processes[i] != null) {
                try {
                    processes[i].close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (root != null) {
                natsPid(i).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        if (postgres != null) {
            postgres.stop();
        }
        if (second != null) {
            second.stop();
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs already.
        }
        for (int i = 0; i < NODES; i++) {
            if (channels[i] != null) {
                channels[i].shutdownNow();
            }
            if (processes[i] != null) {
                try {
                    processes[i].close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            // A killed node leaves its nats-server behind (it runs in a session of its own).
            natsPid(i).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        }
        postgres.close();
        second.close();
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Temporary files only.
        }
    }
}
