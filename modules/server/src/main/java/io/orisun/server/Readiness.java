package io.orisun.server;

import io.orisun.server.web.AdminRoutes;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.nats.client.Connection;
import io.orisun.api.BoundarySpec;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Whether the server can do its work: each PostgreSQL server answers and the NATS connection is up. Checked in the
 * background once a second, so health probes never wait on a dependency; the gRPC health service and the HTTP
 * endpoints report the same state. The node is ready while the default server (which holds the users and the
 * boundary catalog) and NATS are up; a named server that is down only degrades it, since the boundaries on the
 * other servers are still served.
 */
public final class Readiness implements AdminRoutes.Health, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Readiness.class.getName());
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    static final String[] SERVICES = {"", "orisun.EventStore", "orisun.Admin"};

    private final Map<String, DataSource> servers;
    private final Connection nats;
    private final HealthStatusManager health;
    private final Thread checker;
    private final Map<String, Boolean> serverUp = new ConcurrentHashMap<>();
    private final List<Thread> probes = new ArrayList<>();
    private Map<String, Boolean> logged = Map.of();
    private volatile boolean natsUp;
    private volatile boolean closed;

    /**
     * @param servers each PostgreSQL server by name, probed through the given pool; the default server
     *                ({@value BoundarySpec#DEFAULT_SERVER}) among them
     */
    Readiness(Map<String, DataSource> servers, Connection nats, HealthStatusManager health) {
        this.servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
        this.nats = nats;
        this.health = health;
        // The default server was checked by start-up just now; a named one may be down, and its first probe below
        // must not hold start-up up for the pool's connection timeout.
        this.servers.forEach((name, pool) -> serverUp.put(name, name.equals(BoundarySpec.DEFAULT_SERVER)
                && answers(pool)));
        check();
        // Each server is probed on a thread of its own, so that one that does not answer (a connection attempt
        // waits for the pool's timeout) delays nothing that is known of the others.
        this.servers.forEach((name, pool) -> probes.add(Thread.ofVirtual().name("readiness-" + name)
                .start(() -> probe(name, pool))));
        this.checker = Thread.ofVirtual().name("readiness").start(this::loop);
    }

    private void probe(String name, DataSource pool) {
        while (!closed) {
            serverUp.put(name, answers(pool));
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void loop() {
        while (!closed) {
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
            check();
        }
    }

    private void check() {
        boolean ns = nats.getStatus() == Connection.Status.CONNECTED;
        Map<String, Boolean> states = postgresServers();
        if (ns != natsUp || !states.equals(logged)) {
            boolean allUp = ns && !states.containsValue(false);
            LOG.log(allUp ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    "readiness: PostgreSQL {0}, NATS {1}", describe(states), ns ? "up" : "DOWN");
            logged = states;
        }
        natsUp = ns;
        ServingStatus status = ready() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        if (!closed) {
            for (String service : SERVICES) {
                health.setStatus(service, status);
            }
        }
    }

    private static String describe(Map<String, Boolean> states) {
        StringBuilder text = new StringBuilder();
        states.forEach((name, up) -> text.append(text.isEmpty() ? "" : ", ").append(name).append(' ')
                .append(up ? "up" : "DOWN"));
        return text.toString();
    }

    private static boolean answers(DataSource pool) {
        try (java.sql.Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public boolean ready() {
        return postgresUp() && natsUp && !closed;
    }

    /** The default server: it holds the users and the boundary catalog, so without it the node is not ready. */
    @Override
    public boolean postgresUp() {
        return serverUp(BoundarySpec.DEFAULT_SERVER);
    }

    @Override
    public boolean natsUp() {
        return natsUp;
    }

    @Override
    public Map<String, Boolean> postgresServers() {
        Map<String, Boolean> states = new LinkedHashMap<>();
        servers.keySet().forEach(name -> states.put(name, serverUp(name)));
        return states;
    }

    /** Whether the last probe of the server {@code name} succeeded; false for a server this node does not know. */
    boolean serverUp(String name) {
        return serverUp.getOrDefault(name, false);
    }

    @Override
    public void close() {
        closed = true;
        checker.interrupt();
        probes.forEach(Thread::interrupt);
        health.enterTerminalState();
    }
}
