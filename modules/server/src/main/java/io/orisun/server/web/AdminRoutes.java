package io.orisun.server.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The routes of the admin port: {@code /} redirects to the dashboard, {@code /metrics} serves the Prometheus text,
 * {@code /health/live} and {@code /health/ready} answer probes, and the {@link Dashboard} serves its own paths.
 */
public final class AdminRoutes {

    private static final HttpMediaType PROMETHEUS_TEXT = HttpMediaType.create("text/plain; version=0.0.4; charset=utf-8");

    /** What the readiness probe reports: whether the node is ready, and the state of each dependency. */
    public interface Health {
        boolean ready();

        boolean postgresUp();

        boolean natsUp();

        /** Each PostgreSQL server by name, the default one first, and whether it answered its last probe. */
        Map<String, Boolean> postgresServers();
    }

    private final Dashboard dashboard;
    private final Supplier<String> metrics;
    private final Health health;

    /** Routes serving {@code dashboard}, the text of {@code metrics} and the state of {@code health}. */
    public AdminRoutes(Dashboard dashboard, Supplier<String> metrics, Health health) {
        this.dashboard = dashboard;
        this.metrics = metrics;
        this.health = health;
    }

    public void register(HttpRouting.Builder http) {
        http.update(dashboard::register)
                .get("/", (req, res) -> {
                    res.status(Status.SEE_OTHER_303);
                    res.header(HeaderNames.LOCATION, "/dashboard");
                    res.send();
                })
                .get("/metrics", (req, res) -> {
                    res.headers().contentType(PROMETHEUS_TEXT);
                    res.send(metrics.get());
                })
                .get("/health/live", (req, res) -> res.send("{\"status\":\"UP\"}"))
                .get("/health/ready", (req, res) -> {
                    boolean ready = health.ready();
                    Map<String, Boolean> servers = health.postgresServers();
                    // Ready but DEGRADED: a named server is down, and only its boundaries fail.
                    String status = !ready ? "DOWN" : servers.containsValue(false) ? "DEGRADED" : "UP";
                    // Server names are lower-case identifiers, safe in JSON as they are.
                    String perServer = servers.entrySet().stream()
                            .map(e -> "\"" + e.getKey() + "\":\"" + (e.getValue() ? "UP" : "DOWN") + "\"")
                            .collect(Collectors.joining(",", "{", "}"));
                    res.status(ready ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503)
                            .send("{\"status\":\"" + status + "\",\"postgres\":\""
                                    + (health.postgresUp() ? "UP" : "DOWN") + "\",\"postgres_servers\":" + perServer
                                    + ",\"nats\":\"" + (health.natsUp() ? "UP" : "DOWN") + "\"}");
                });
    }
}
