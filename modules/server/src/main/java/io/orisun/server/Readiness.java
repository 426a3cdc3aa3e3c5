package io.orisun.server;

import io.orisun.server.web.AdminRoutes;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.nats.client.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Whether the server can do its work: PostgreSQL answers and the NATS connection is up. Checked in the
 * background once a second, so health probes never wait on a dependency; the gRPC health service and the HTTP
 * endpoints report the same state.
 */
public final class Readiness implements AdminRoutes.Health, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Readiness.class.getName());
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    static final String[] SERVICES = {"", "orisun.EventStore", "orisun.Admin"};

    private final DataSource postgres;
    private final Connection nats;
    private final HealthStatusManager health;
    private final Thread checker;
    private volatile boolean postgresUp;
    private volatile boolean natsUp;
    private volatile boolean closed;

    Readiness(DataSource postgres, Connection nats, HealthStatusManager health) {
        this.postgres = postgres;
        this.nats = nats;
        this.health = health;
        check();
        this.checker = Thread.ofVirtual().name("readiness").start(this::loop);
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
        boolean pg = postgresAnswers();
        boolean ns = nats.getStatus() == Connection.Status.CONNECTED;
        if (pg != postgresUp || ns != natsUp) {
            LOG.log(pg && ns ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    "readiness: PostgreSQL {0}, NATS {1}", pg ? "up" : "DOWN", ns ? "up" : "DOWN");
        }
        postgresUp = pg;
        natsUp = ns;
        ServingStatus status = pg && ns ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        if (!closed) {
            for (String service : SERVICES) {
                health.setStatus(service, status);
            }
        }
    }

    private boolean postgresAnswers() {
        try (java.sql.Connection c = postgres.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public boolean ready() {
        return postgresUp && natsUp && !closed;
    }

    @Override
    public boolean postgresUp() {
        return postgresUp;
    }

    @Override
    public boolean natsUp() {
        return natsUp;
    }

    @Override
    public void close() {
        closed = true;
        checker.interrupt();
        health.enterTerminalState();
    }
}
