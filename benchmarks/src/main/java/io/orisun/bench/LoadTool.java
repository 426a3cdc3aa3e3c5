package io.orisun.bench;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.proto.CreateIndexRequest;
import io.orisun.proto.Direction;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.GetEventsResponse;
import io.orisun.proto.GetServerInfoRequest;
import io.orisun.proto.GetServerInfoResponse;
import io.orisun.proto.IndexField;
import io.orisun.proto.PingRequest;
import io.orisun.proto.ValueType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end load tool: real gRPC clients against a running server, Orisun's benchmark scenarios at each
 * requested concurrency, and, with {@code --baseline-jdbc}, plain JDBC inserting the same rows from the same number
 * of threads on the same PostgreSQL, so that the event store's throughput can be read as a ratio to the physical
 * limit taken side by side. It prints a progress line while it runs and a table at the end, and writes CSV and JSON
 * with {@code --out}.
 *
 * <p>Exit status: 0 when every run completed (whatever the numbers), 64 for a bad command line, 2 when the server or
 * the baseline database cannot be used at all, 1 when a run completed no request. A run with errors still exits 0;
 * the errors are in the table.
 */
public final class LoadTool {

    /** The name of the index {@code --create-index} creates on {@link Payload#CONTEXT_KEY}. */
    static final String INDEX_NAME = "benchmark_context";
    private static final Duration ADMIN_DEADLINE = Duration.ofMinutes(30);
    private static final Duration SETUP_DEADLINE = Duration.ofSeconds(10);
    /** The batch size of the batched baseline for scenarios that send one event per request. */
    static final int DEFAULT_BASELINE_BATCH = 1000;

    private LoadTool() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine.main(args, LoadOptions::parse, LoadOptions.USAGE, LoadTool::run);
    }

    static int run(String[] args) throws Exception {
        return CommandLine.run(args, LoadOptions::parse, LoadOptions.USAGE, LoadTool::run);
    }

    private static int run(LoadOptions options) throws Exception {
        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Payload payload = new Payload(options.payloadBytes());
        Map<String, String> run = describe(options, runId);
        run.forEach((key, value) -> System.out.println("# " + key + ": " + value));

        try (ServerConnection server = new ServerConnection(options.target(), options.user(), options.password())) {
            try {
                server.eventStore().withDeadlineAfter(SETUP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .ping(PingRequest.getDefaultInstance());
                GetServerInfoResponse info = server.eventStore().getServerInfo(GetServerInfoRequest.getDefaultInstance());
                run.put("server", info.getVersion() + " (" + info.getGitCommit() + ", node " + info.getNodeId() + ")");
                System.out.println("# server: " + run.get("server"));
            } catch (StatusRuntimeException e) {
                System.err.println("cannot use the server at " + options.target() + ": " + e.getMessage());
                return 2;
            }
            if (options.prepopulateEvents() > 0) {
                Prepopulation.run(server, options.boundary(), payload, runId, options.prepopulateEvents(),
                        options.tagCardinality());
            }
            if (options.createIndex()) {
                createIndex(server, options.boundary());
            } else if (options.scenarios().stream().anyMatch(s -> s.kind() == Scenario.Kind.WRITE_CONDITIONAL
                    || s.kind() == Scenario.Kind.READ_CONDITIONAL)) {
                System.err.println("note: without --create-index, conditional saves and reads filter "
                        + Payload.CONTEXT_KEY + " without an index unless one exists already");
            }
            Optional<JdbcBaseline> baseline;
            try {
                baseline = options.baselineJdbc().isEmpty() ? Optional.empty()
                        : Optional.of(new JdbcBaseline(options.baselineJdbc().get(), options.baselineUser(),
                                options.baselinePassword(), payload, runId));
            } catch (SQLException e) {
                System.err.println("cannot use the baseline database " + options.baselineJdbc().get() + ": "
                        + e.getMessage());
                return 2;
            }
            if (options.prepopulateEvents() > 0 || options.createIndex()) {
                if (options.baselineJdbc().isPresent()) {
                    DatabaseSettling.settle(options.baselineJdbc().get(), options.baselineUser(),
                            options.baselinePassword(), options.boundary());
                } else {
                    System.err.println("note: no --baseline-jdbc, so the database is not settled after prepopulation;"
                            + " the first rows may pay for the bulk load");
                }
            }
            if (baseline.isEmpty() && options.scenarios().stream().anyMatch(Scenario::writes)) {
                System.err.println("note: no --baseline-jdbc, so no JDBC baseline and no ratios");
            }
            List<ResultRow> rows = new ArrayList<>();
            boolean idle = false;
            try {
                Baselines baselines = new Baselines(baseline, options);
                for (Scenario scenario : options.scenarios()) {
                    for (int clients : options.concurrency()) {
                        Optional<ResultRow> row;
                        try {
                            row = runOne(server, options, payload, runId, scenario, clients, baselines);
                        } catch (StatusRuntimeException e) {
                            // A call outside the measured clients failed (the connection was lost, say): this run
                            // has no row, the others still run, and the exit status says that one failed.
                            System.err.println(scenario.name() + " x" + clients + " failed: " + e.getStatus());
                            idle = true;
                            continue;
                        }
                        if (row.isPresent()) {
                            rows.add(row.get());
                            idle |= row.get().totals().requests() == 0;
                        } else if (scenario.kind() == Scenario.Kind.SUBSCRIBE_LATENCY
                                || scenario.kind() == Scenario.Kind.CATCH_UP_REPLAY) {
                            break;
                        }
                    }
                }
            } finally {
                if (baseline.isPresent()) {
                    baseline.get().close();
                }
            }
            System.out.println();
            System.out.print(Report.table(rows));
            if (options.out().isPresent()) {
                write(options.out().get(), run, rows);
            }
            if (idle) {
                System.err.println("at least one run completed no request; see the errors above");
                return 1;
            }
            return 0;
        }
    }

    private static Optional<ResultRow> runOne(ServerConnection server, LoadOptions options, Payload payload,
                                              String runId, Scenario scenario, int clients, Baselines baselines)
            throws Exception {
        String label = scenario.name() + " x" + clients;
        return switch (scenario.kind()) {
            case WRITE_CONDITIONAL, WRITE_UNCONDITIONAL -> {
                Tally.Totals totals = ClosedLoop.run(label, clients, options.warmup(), options.duration(),
                        client -> new WriteClient(server, options.boundary(), scenario, payload, runId, client));
                int batch = scenario.eventsPerRequest() > 1 ? scenario.eventsPerRequest() : DEFAULT_BASELINE_BATCH;
                yield Optional.of(new ResultRow(scenario, clients, totals, baselines.perEvent(clients), batch,
                        baselines.batched(batch, clients), Optional.empty()));
            }
            case READ_CONDITIONAL, READ_UNCONDITIONAL -> {
                long head = headTransactionId(server, options.boundary());
                Tally.Totals totals = ClosedLoop.run(label, clients, options.warmup(), options.duration(),
                        client -> new ReadClient(server, options.boundary(), scenario, options.readCount(),
                                options.tagCardinality(), head));
                if (totals.requests() > 0 && totals.events() == 0) {
                    System.err.println(scenario.name() + " read no events: prepopulate the boundary with"
                            + " --prepopulate-events (with the same --tag-cardinality)");
                }
                yield Optional.of(ResultRow.of(scenario, clients, totals));
            }
            case SUBSCRIBE_LATENCY -> SubscribeLatency.run(server, options, payload, runId, clients);
            case CATCH_UP_REPLAY -> {
                long head = headGlobalId(server, options.boundary());
                if (head < ReplayClient.CHUNK) {
                    System.err.println(scenario.name() + " skipped: it needs at least " + ReplayClient.CHUNK
                            + " events in the boundary; prepopulate with --prepopulate-events");
                    yield Optional.empty();
                }
                Tally.Totals totals = ClosedLoop.run(label, clients, options.warmup(), options.duration(),
                        client -> new ReplayClient(server, options.boundary(), runId, clients, client, head));
                yield Optional.of(ResultRow.of(scenario, clients, totals));
            }
        };
    }

    /**
     * The JDBC baselines of this run, each measured once per batch size and concurrency, on first need. A baseline
     * that cannot open its connections (PostgreSQL's {@code max_connections}, at 256 threads) is left out of its
     * rows, with the reason printed, instead of ending the run.
     */
    private static final class Baselines {

        private final Optional<JdbcBaseline> baseline;
        private final LoadOptions options;
        private final Map<String, Optional<Tally.Totals>> taken = new HashMap<>();

        Baselines(Optional<JdbcBaseline> baseline, LoadOptions options) {
            this.baseline = baseline;
            this.options = options;
        }

        Optional<Tally.Totals> perEvent(int clients) throws Exception {
            return measure("1/" + clients, jdbc -> jdbc.perEvent(clients, options.warmup(), options.duration()));
        }

        Optional<Tally.Totals> batched(int batch, int clients) throws Exception {
            return measure(batch + "/" + clients,
                    jdbc -> jdbc.batched(batch, clients, options.warmup(), options.duration()));
        }

        private Optional<Tally.Totals> measure(String key, Measurement measurement) throws Exception {
            if (baseline.isEmpty()) {
                return Optional.empty();
            }
            Optional<Tally.Totals> totals = taken.get(key);
            if (totals == null) {
                try {
                    totals = Optional.of(measurement.take(baseline.get()));
                } catch (IllegalStateException e) {
                    System.err.println("baseline " + key + " left out: " + e.getMessage());
                    totals = Optional.empty();
                }
                taken.put(key, totals);
            }
            return totals;
        }

        private interface Measurement {
            Tally.Totals take(JdbcBaseline baseline) throws Exception;
        }
    }

    /** Creates the TEXT index on the context key, or accepts the one that exists. */
    private static void createIndex(ServerConnection server, String boundary) {
        long start = System.nanoTime();
        try {
            server.admin(ADMIN_DEADLINE).createIndex(CreateIndexRequest.newBuilder()
                    .setBoundary(boundary)
                    .setName(INDEX_NAME)
                    .addFields(IndexField.newBuilder().setJsonKey(Payload.CONTEXT_KEY).setValueType(ValueType.TEXT))
                    .build());
            System.out.printf("# index %s on %s ready after %.1f s%n", INDEX_NAME, Payload.CONTEXT_KEY,
                    (System.nanoTime() - start) / 1e9);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                throw e;
            }
            System.out.println("# index " + INDEX_NAME + " exists with another definition; keeping it: "
                    + e.getStatus().getDescription());
        }
    }

    /** The newest event's transaction id, or -1 for an empty boundary. */
    private static long headGlobalId(ServerConnection server, String boundary) {
        GetEventsResponse newest = server.eventStore().getEvents(GetEventsRequest.newBuilder()
                .setBoundary(boundary).setDirection(Direction.DESC).setCount(1).build());
        return newest.getEventsCount() == 0 ? -1 : newest.getEvents(0).getPosition().getGlobalId();
    }

    private static long headTransactionId(ServerConnection server, String boundary) {
        GetEventsResponse newest = server.eventStore().getEvents(GetEventsRequest.newBuilder()
                .setBoundary(boundary).setDirection(Direction.DESC).setCount(1).build());
        return newest.getEventsCount() == 0 ? -1 : newest.getEvents(0).getPosition().getTransactionId();
    }

    private static Map<String, String> describe(LoadOptions options, String runId) {
        Map<String, String> run = new LinkedHashMap<>();
        run.put("started", Instant.now().toString());
        run.put("run_id", runId);
        run.put("target", options.target());
        run.put("boundary", options.boundary());
        run.put("scenarios", String.join(",", options.scenarios().stream().map(Scenario::name).toList()));
        run.put("concurrency", options.concurrency().toString().replace(" ", ""));
        run.put("duration", options.duration().toString());
        run.put("warmup", options.warmup().toString());
        run.put("payload_bytes", Integer.toString(options.payloadBytes()));
        run.put("prepopulate_events", Long.toString(options.prepopulateEvents()));
        run.put("tag_cardinality", Integer.toString(options.tagCardinality()));
        run.put("create_index", Boolean.toString(options.createIndex()));
        run.put("read_count", Integer.toString(options.readCount()));
        run.put("subscribe_rate", Integer.toString(options.subscribeRate()));
        run.put("baseline_jdbc", options.baselineJdbc().orElse("none"));
        run.put("machine", machine());
        run.put("java", System.getProperty("java.vm.name") + " " + Runtime.version() + " (load tool)");
        return run;
    }

    /** The CPU model, the core count, memory and OS, as far as this JVM can tell. */
    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst().orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not readable: the CPU stays unnamed.
        }
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + (memory > 0 ? (memory >> 20) + " MiB RAM, " : "")
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
    }

    private static void write(Path out, Map<String, String> run, List<ResultRow> rows) throws IOException {
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        Path csv = name.endsWith(".json") ? out.resolveSibling(stem + ".csv") : out;
        Path json = name.endsWith(".json") ? out : out.resolveSibling(stem + ".json");
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        Files.writeString(csv, Report.csv(rows));
        Files.writeString(json, Report.json(run, rows));
        System.out.println("# results written to " + csv + " and " + json);
    }
}
