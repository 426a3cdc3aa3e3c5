package io.orisun.server;

import static io.orisun.server.ClientAuth.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.orisun.proto.EventToSave;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.testsupport.PostgresFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows the dependencies: it goes false when NATS dies or PostgreSQL stops accepting the node's
 * connections, and true again when they are back, with {@code /health/ready} and gRPC health saying the same.
 * PostgreSQL is shared by every test in the JVM, so its loss is made real for this node's database only: new
 * connections are refused and the open ones are terminated.
 */
class ReadinessIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @SharedServer(environment = "ORISUN_PG_SCHEMAS=ready_a:public,orisun_admin:admin")
    private static TestServer node;

    private static void assertReadiness(boolean ready, String postgres, String nats) {
        ServerFoundationIT.HttpAnswer answer = http("/health/ready");
        assertThat(answer.code()).as("/health/ready status: %s", answer.body()).isEqualTo(ready ? 200 : 503);
        assertThat(answer.body()).contains("\"postgres\":\"" + postgres + "\"", "\"nats\":\"" + nats + "\"");
        ServingStatus expected = ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(node.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        for (String service : Readiness.SERVICES) {
            assertThat(health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
                    .as("gRPC health of '%s'", service).isEqualTo(expected);
        }
        assertThat(http("/health/live").code()).as("liveness does not depend on the dependencies").isEqualTo(200);
    }

    private static ServerFoundationIT.HttpAnswer http(String path) {
        try {
            return ServerFoundationIT.get(node.adminUrl(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void readiness_goes_down_with_nats_and_up_again_and_publish_errors_are_counted() {
        assertReadiness(true, "UP", "UP");
        ObservabilityIT.Scrape before = new ObservabilityIT.Scrape(http("/metrics").body());
        node.nats().kill();
        try {
            eventually(PATIENCE, () -> assertReadiness(false, "UP", "DOWN"));
            // The save commits in PostgreSQL; publishing it fails until NATS is back.
            node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("ready_a")
                    .addEvents(EventToSave.newBuilder().setEventId(UUID.randomUUID().toString()).setEventType("T")
                            .setData("{}"))
                    .build());
            eventually(PATIENCE, () -> assertThat(new ObservabilityIT.Scrape(http("/metrics").body())
                    .delta(before, "orisun_publish_errors_total", "boundary", "ready_a")).isPositive());
        } finally {
            node.nats().restart();
        }
        eventually(PATIENCE, () -> assertReadiness(true, "UP", "UP"));
        eventually(PATIENCE, () -> assertThat(new ObservabilityIT.Scrape(http("/metrics").body())
                .value("orisun_publisher_lag_events", "boundary", "ready_a")).as("published after NATS returned")
                .isZero());
    }

    @Test
    void readiness_goes_down_when_postgres_refuses_the_node_and_up_again_when_it_accepts() throws SQLException {
        assertReadiness(true, "UP", "UP");
        PostgresFixture.Database database = node.database();
        try {
            refuseConnections(database, true);
            eventually(PATIENCE, () -> assertReadiness(false, "DOWN", "UP"));
        } finally {
            refuseConnections(database, false);
        }
        eventually(PATIENCE, () -> assertReadiness(true, "UP", "UP"));
    }

    private static void refuseConnections(PostgresFixture.Database database, boolean refuse) throws SQLException {
        PostgresFixture server = database.server();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), server.password());
             Statement statement = c.createStatement()) {
            // The database name comes from the fixture (letters, digits and underscores).
            statement.execute("ALTER DATABASE " + database.name() + " ALLOW_CONNECTIONS " + !refuse);
            if (refuse) {
                try (PreparedStatement terminate = c.prepareStatement(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?")) {
                    terminate.setString(1, database.name());
                    terminate.execute();
                }
            }
        }
    }
}
