package io.orisun.server;

import static io.orisun.server.ClientAuth.eventually;
import static io.orisun.server.EventTraffic.criterion;
import static io.orisun.server.EventTraffic.position;
import static io.orisun.server.EventTraffic.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.SaveQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The node seen from outside: real RPCs, then a scrape of {@code /metrics} on the admin port, whose values must
 * move by exactly what the RPCs did; and the spans of those RPCs, caught by an in-memory exporter.
 */
class ObservabilityIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @SharedServer(environment = "ORISUN_PG_SCHEMAS=obs_a:public,obs_b:public,orisun_admin:admin", traced = true)
    private static TestServer node;

    private static EventToSave event(String type, String data) {
        return EventToSave.newBuilder().setEventId(UUID.randomUUID().toString()).setEventType(type).setData(data)
                .setMetadata("{\"by\":\"test\"}").build();
    }

    private static Scrape scrape() {
        try {
            ServerFoundationIT.HttpAnswer answer = ServerFoundationIT.get(node.adminUrl("/metrics"));
            assertThat(answer.code()).as("GET /metrics").isEqualTo(200);
            return new Scrape(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void saves_events_bytes_latency_and_conflicts_by_shape_are_counted_per_boundary() {
        Scrape before = scrape();
        EventToSave first = event("Registered", "{\"username\":\"ada\",\"note\":\"é\"}");
        EventToSave second = event("Moved", "{\"username\":\"ada\",\"tenant\":\"t1\"}");
        node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("obs_a")
                .setQuery(SaveQuery.newBuilder().addCriteria(criterion("username", "ada")))
                .addEvents(first).addEvents(second).build());
        Status.Code conflict = ClientAuth.code(() -> node.eventStore().saveEvents(SaveEventsRequest.newBuilder()
                .setBoundary("obs_a")
                .setQuery(SaveQuery.newBuilder().addCriteria(criterion("username", "ada", "tenant", "t1")))
                .addEvents(event("Renamed", "{\"username\":\"ada\",\"tenant\":\"t1\"}")).build()));
        assertThat(conflict).isEqualTo(Status.Code.ALREADY_EXISTS);
        Scrape after = scrape();

        long bytes = ("{\"username\":\"ada\",\"note\":\"é\"}".length() + 1 + "{\"username\":\"ada\",\"tenant\":\"t1\"}".length())
                + 2L * "{\"by\":\"test\"}".length();
        String[] a = {"boundary", "obs_a"};
        assertThat(after.delta(before, "orisun_saves_total", "boundary", "obs_a", "outcome", "committed")).isEqualTo(1);
        assertThat(after.delta(before, "orisun_saves_total", "boundary", "obs_a", "outcome", "conflict")).isEqualTo(1);
        assertThat(after.delta(before, "orisun_events_written_total", a)).isEqualTo(2);
        assertThat(after.delta(before, "orisun_data_written_bytes_total", a))
                .as("UTF-8 bytes of data and metadata (é is two bytes)").isEqualTo(bytes);
        assertThat(after.delta(before, "orisun_conflicts_total", "boundary", "obs_a", "shape", "tenant,username"))
                .isEqualTo(1);
        assertThat(after.delta(before, "orisun_save_duration_seconds_count", a)).isEqualTo(2);
        assertThat(after.value("orisun_save_duration_seconds_bucket", "boundary", "obs_a", "le", "+Inf"))
                .isGreaterThanOrEqualTo(2);
        assertThat(after.delta(before, "orisun_events_written_total", "boundary", "obs_b"))
                .as("the other boundary is untouched").isZero();
    }

    @Test
    void every_rpc_is_counted_and_timed_by_method_and_status_code() {
        Scrape before = scrape();
        node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("obs_b").setCount(1).build());
        Status.Code unknown = ClientAuth.code(() -> node.eventStore().getEvents(GetEventsRequest.newBuilder()
                .setBoundary("no_such_boundary").setCount(1).build()));
        Status.Code anonymous = ClientAuth.code(() -> ClientAuth.eventStore(node)
                .getEvents(GetEventsRequest.newBuilder().setBoundary("obs_b").setCount(1).build()));
        Scrape after = scrape();

        String method = "orisun.EventStore/GetEvents";
        assertThat(after.delta(before, "orisun_rpc_seconds_count", "method", method, "status", "OK")).isEqualTo(1);
        assertThat(after.delta(before, "orisun_rpc_seconds_count", "method", method, "status", unknown.name()))
                .as("a request for an unknown boundary (%s)", unknown).isEqualTo(1);
        assertThat(after.delta(before, "orisun_rpc_seconds_count", "method", method, "status", anonymous.name()))
                .as("a call without credentials (%s)", anonymous).isEqualTo(1);
        assertThat(after.value("orisun_rpc_seconds_bucket", "method", method, "status", "OK", "le", "+Inf"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void profiling_is_off_by_default() {
        assertThat(node.server().pprofPort()).isEmpty();
    }

    @Test
    void jvm_process_and_connection_pool_meters_are_exposed() {
        Scrape scrape = scrape();
        assertThat(scrape.sum("jvm_memory_used_bytes", "area", "heap")).isPositive();
        assertThat(scrape.value("jvm_threads_live_threads")).isPositive();
        assertThat(scrape.value("process_uptime_seconds")).isPositive();
        assertThat(scrape.value("hikaricp_connections_max", "pool", "orisun-write")).isPositive();
        assertThat(scrape.value("hikaricp_connections", "pool", "orisun-read")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void log_head_publisher_position_and_lag_follow_the_log() {
        new EventTraffic(node).save("obs_b", "Counted", 3, 2, n -> "{\"n\":" + n + "}");
        eventually(PATIENCE, () -> {
            Scrape scrape = scrape();
            String[] b = {"boundary", "obs_b"};
            assertThat(scrape.value("orisun_log_events", b)).isGreaterThanOrEqualTo(6);
            assertThat(scrape.value("orisun_publisher_lag_events", b)).as("publisher lag").isZero();
            assertThat(scrape.value("orisun_publisher_lag_seconds", b)).isZero();
            assertThat(scrape.value("orisun_publisher_position_global_id", b))
                    .isEqualTo(scrape.value("orisun_log_head_global_id", b));
            assertThat(scrape.value("orisun_log_head_global_id", b)).isGreaterThanOrEqualTo(5);
        });
    }

    @Test
    void open_catch_up_streams_are_counted_until_they_end() {
        var stream = new EventTraffic(node).subscribe("obs_a", "metrics-watcher", query(), position(-1, -1));
        eventually(PATIENCE, () -> assertThat(scrape().value("orisun_subscriptions_active", "boundary", "obs_a"))
                .isEqualTo(1));
        stream.cancel();
        eventually(PATIENCE, () -> assertThat(scrape().value("orisun_subscriptions_active", "boundary", "obs_a"))
                .isZero());
    }

    @Test
    void reads_on_a_criterion_without_an_index_are_counted() {
        GetEventsRequest read = GetEventsRequest.newBuilder().setBoundary("obs_b").setCount(1)
                .setQuery(query(criterion("colour", "red"))).build();
        eventually(PATIENCE, () -> {
            Scrape before = scrape();
            node.eventStore().getEvents(read);
            assertThat(scrape().delta(before, "orisun_unindexed_executions_total", "boundary", "obs_b")).isEqualTo(1);
        });
    }

    @Test
    void group_commits_and_published_batches_are_measured_and_traced() {
        Scrape before = scrape();
        node.spans().reset();
        new EventTraffic(node).save("obs_a", "Flushed", 4, 3, n -> "{\"n\":" + n + "}");
        eventually(PATIENCE, () -> {
            Scrape after = scrape();
            String[] a = {"boundary", "obs_a"};
            assertThat(after.delta(before, "orisun_flush_events_sum", a)).as("events flushed").isEqualTo(12);
            assertThat(after.delta(before, "orisun_flush_saves_sum", a)).as("saves flushed").isEqualTo(4);
            assertThat(after.delta(before, "orisun_flush_duration_seconds_count", a))
                    .isEqualTo(after.delta(before, "orisun_flush_saves_count", a)).isBetween(1L, 4L);
            assertThat(after.delta(before, "orisun_published_events_total", a)).as("events published").isEqualTo(12);
            assertThat(after.value("orisun_publish_errors_total", a)).isZero();
        });
        List<SpanData> spans = node.spans().getFinishedSpanItems();
        assertThat(spans).filteredOn(s -> s.getName().equals("orisun.flush"))
                .allSatisfy(s -> assertThat(s.getAttributes().asMap().toString()).contains("orisun.boundary=obs_a"))
                .extracting(s -> s.getAttributes().asMap().entrySet().stream()
                        .filter(e -> e.getKey().getKey().equals("orisun.events")).map(e -> (Long) e.getValue())
                        .findFirst().orElseThrow())
                .as("events in the flush spans: whole saves of 3")
                .allSatisfy(events -> assertThat(events % 3).isZero())
                .satisfies(sizes -> assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(12));
        assertThat(spans).extracting(SpanData::getName).contains("orisun.publish");
    }

    @Test
    void each_save_is_timed_by_stage_and_the_stages_fit_inside_its_rpc() {
        Scrape before = scrape();
        for (int i = 0; i < 3; i++) {
            node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("obs_b")
                    .addEvents(event("Staged", "{\"i\":" + i + "}")).build());
        }
        String method = "orisun.EventStore/SaveEvents";
        // The call is timed once its close has returned, which may be after the client has its answer.
        eventually(PATIENCE, () -> assertThat(scrape().delta(before, "orisun_rpc_seconds_count", "method", method,
                "status", "OK")).isEqualTo(3));
        Scrape after = scrape();
        double rpc = after.value("orisun_rpc_seconds_sum", "method", method, "status", "OK")
                - before.valueOrZero("orisun_rpc_seconds_sum", "method", method, "status", "OK");
        double stages = 0;
        for (String stage : List.of("grpc_in", "queue", "wake", "grpc_out")) {
            assertThat(after.delta(before, "orisun_save_stage_seconds_count", "boundary", "obs_b", "stage", stage))
                    .as("saves timed in stage %s", stage).isEqualTo(3);
            stages += after.value("orisun_save_stage_seconds_sum", "boundary", "obs_b", "stage", stage)
                    - before.valueOrZero("orisun_save_stage_seconds_sum", "boundary", "obs_b", "stage", stage);
        }
        for (String stage : List.of("checkout", "statement")) {
            assertThat(after.delta(before, "orisun_flush_stage_seconds_count", "boundary", "obs_b", "stage", stage))
                    .as("flushes timed in stage %s", stage).isEqualTo(3);
            stages += after.value("orisun_flush_stage_seconds_sum", "boundary", "obs_b", "stage", stage)
                    - before.valueOrZero("orisun_flush_stage_seconds_sum", "boundary", "obs_b", "stage", stage);
        }
        assertThat(after.value("orisun_flush_stage_seconds_sum", "boundary", "obs_b", "stage", "statement"))
                .as("the statement takes a round trip").isPositive();
        assertThat(stages).as("the stages of three one-at-a-time saves lie inside their calls").isPositive()
                .isLessThanOrEqualTo(rpc);
    }

    @Test
    void a_save_is_traced_as_a_server_span_with_a_child_span_for_the_log_write() {
        node.spans().reset();
        node.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary("obs_b")
                .addEvents(event("Traced", "{}")).build());
        eventually(PATIENCE, () -> assertThat(node.spans().getFinishedSpanItems()).extracting(SpanData::getName)
                .contains("orisun.EventStore/SaveEvents", "orisun.save"));
        List<SpanData> spans = node.spans().getFinishedSpanItems();
        SpanData rpc = spans.stream().filter(s -> s.getName().equals("orisun.EventStore/SaveEvents")).findFirst()
                .orElseThrow();
        SpanData save = spans.stream().filter(s -> s.getName().equals("orisun.save")).findFirst().orElseThrow();
        assertThat(save.getTraceId()).isEqualTo(rpc.getTraceId());
        assertThat(save.getParentSpanId()).isEqualTo(rpc.getSpanId());
        assertThat(save.getAttributes().asMap().toString()).contains("orisun.boundary=obs_b");
        assertThat(rpc.getAttributes().asMap().toString()).contains("rpc.grpc.status_code=0");
        assertThat(rpc.getResource().getAttributes().asMap().toString()).contains("orisun-test");
    }

    /** One scrape in the Prometheus text format. */
    record Scrape(String text) {

        /** The value of the one series {@code name} whose labels include {@code labels} (key, value, ...). */
        double value(String name, String... labels) {
            List<Double> values = text.lines()
                    .filter(line -> !line.startsWith("#"))
                    .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                    .filter(line -> hasLabels(line, labels))
                    .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .toList();
            assertThat(values).as("series %s %s in\n%s", name, List.of(labels), text).hasSize(1);
            return values.getFirst();
        }

        /** The sum over every series {@code name} whose labels include {@code labels}. */
        double sum(String name, String... labels) {
            return text.lines()
                    .filter(line -> !line.startsWith("#"))
                    .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                    .filter(line -> hasLabels(line, labels))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
        }

        /** The value or 0 when the series does not exist yet. */
        double valueOrZero(String name, String... labels) {
            boolean present = text.lines().anyMatch(line -> !line.startsWith("#")
                    && (line.startsWith(name + "{") || line.startsWith(name + " ")) && hasLabels(line, labels));
            return present ? value(name, labels) : 0;
        }

        long delta(Scrape before, String name, String... labels) {
            return Math.round(valueOrZero(name, labels) - before.valueOrZero(name, labels));
        }

        private static boolean hasLabels(String line, String... labels) {
            int close = line.lastIndexOf('}');
            String set = close < 0 ? "" : line.substring(line.indexOf('{') + 1, close);
            for (int i = 0; i < labels.length; i += 2) {
                if (!(("," + set + ",").contains("," + labels[i] + "=\"" + labels[i + 1] + "\","))) {
                    return false;
                }
            }
            return true;
        }
    }
}
