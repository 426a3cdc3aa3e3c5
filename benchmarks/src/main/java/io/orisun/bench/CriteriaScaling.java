package io.orisun.bench;

import com.sun.management.OperatingSystemMXBean;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.proto.CreateIndexRequest;
import io.orisun.proto.Criterion;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetServerInfoRequest;
import io.orisun.proto.GetServerInfoResponse;
import io.orisun.proto.IndexField;
import io.orisun.proto.PingRequest;
import io.orisun.proto.Position;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.SaveQuery;
import io.orisun.proto.Tag;
import io.orisun.proto.ValueType;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How the latency of a conditional save grows with the number of criteria in its query, end to end through gRPC.
 *
 * <p>The tool writes {@code --events} events whose data carries {@value #INDEXED_KEY} and {@value #PLAIN_KEY},
 * creates a TEXT index on {@value #INDEXED_KEY} only, and then, for each count C of {@code --counts} and each of the
 * two keys, sends {@code --warmup} unmeasured and {@code --repeat} measured saves of one event whose condition has
 * C one-tag criteria {@code key = absent-<run>-<n>} and expects {@code {-1,-1}}. No value is ever used twice and
 * none matches an event, so every save should be accepted after every criterion was examined. A save the server
 * refuses (a budget or a limit) is counted with its status. Meanwhile one background client saves one-criterion
 * conditional events on {@value #BACKGROUND_KEY} in a closed loop, and each cell reports that client's p99: it
 * shows whether the large saves keep the boundary's other writers waiting.
 *
 * <p>Exit status: 0 when every cell ran (whatever the outcomes), 64 for a bad command line, 2 when the server cannot
 * be used or the preparation fails.
 */
public final class CriteriaScaling {

    static final String INDEXED_KEY = "indexed_key";
    static final String PLAIN_KEY = "plain_key";
    static final String BACKGROUND_KEY = "background_key";
    static final String INDEX_NAME = "criteria_indexed_key";
    static final String EVENT_TYPE = "CriteriaScalingEvent";
    static final int PREPOPULATION_SAVE = 1000;
    private static final int DESCRIPTION_CHARS = 120;
    private static final String PADDING = "x".repeat(48);
    private static final Position NONE = Position.newBuilder().setTransactionId(-1).setGlobalId(-1).build();
    private static final Duration SETUP_DEADLINE = Duration.ofSeconds(10);
    private static final Duration ADMIN_DEADLINE = Duration.ofMinutes(30);

    private CriteriaScaling() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine.main(args, CriteriaOptions::parse, CriteriaOptions.USAGE, CriteriaScaling::run);
    }

    static int run(String[] args) throws Exception {
        return CommandLine.run(args, CriteriaOptions::parse, CriteriaOptions.USAGE, CriteriaScaling::run);
    }

    private static int run(CriteriaOptions options) throws Exception {
        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        long started = System.nanoTime();
        System.out.printf("# run_id: %s%n# target: %s%n# boundary: %s%n# events: %d%n# counts: %s%n"
                        + "# repeat: %d, warmup: %d, deadline: %s%n", runId, options.target(), options.boundary(),
                options.events(), options.counts(), options.repeat(), options.warmup(), options.deadline());
        List<Cell> cells = new ArrayList<>();
        try (ServerConnection server = new ServerConnection(options.target(), options.user(), options.password())) {
            try {
                server.eventStore().withDeadlineAfter(SETUP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .ping(PingRequest.getDefaultInstance());
                GetServerInfoResponse info = server.eventStore()
                        .getServerInfo(GetServerInfoRequest.getDefaultInstance());
                System.out.println("# server: " + info.getVersion() + " (" + info.getGitCommit() + ", node "
                        + info.getNodeId() + ")");
                prepopulate(server, options.boundary(), runId, options.events());
                createIndex(server, options.boundary());
            } catch (StatusRuntimeException e) {
                System.err.println("cannot prepare the server at " + options.target() + ": " + e.getStatus());
                return 2;
            }
            Background background = new Background(server, options.boundary(), runId);
            Thread loop = Thread.ofPlatform().daemon().name("criteria-background").start(background);
            try {
                AtomicLong values = new AtomicLong();
                for (int count : options.counts()) {
                    for (String key : List.of(INDEXED_KEY, PLAIN_KEY)) {
                        cells.add(runCell(server, options, runId, values, background, count, key));
                    }
                }
            } finally {
                background.stop();
                loop.join(options.deadline().toMillis() + 1000);
            }
        }
        System.out.println();
        System.out.print(table(cells));
        if (options.out().isPresent()) {
            Path out = options.out().get();
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, csv(cells));
            System.out.println("# CSV written to " + out);
        }
        printCpu(started);
        return 0;
    }

    private static Cell runCell(ServerConnection server, CriteriaOptions options, String runId, AtomicLong values,
                                Background background, int count, String key) throws InterruptedException {
        List<Outcome> measured = new ArrayList<>(options.repeat());
        background.beginCell();
        for (int i = 0; i < options.warmup() + options.repeat(); i++) {
            SaveEventsRequest request = request(options.boundary(), runId, key, count, values);
            long start = System.nanoTime();
            Optional<String> refusal;
            try {
                server.eventStore().withDeadlineAfter(options.deadline().toMillis(), TimeUnit.MILLISECONDS)
                        .saveEvents(request);
                refusal = Optional.empty();
            } catch (StatusRuntimeException e) {
                refusal = Optional.of(describe(e.getStatus()));
            }
            long nanos = System.nanoTime() - start;
            boolean warm = i >= options.warmup();
            if (warm) {
                measured.add(new Outcome(nanos, refusal));
            }
            ClosedLoop.progress(String.format(Locale.ROOT, "%d criteria on %s: %s save %d took %.1f ms%s",
                    count, key, warm ? "measured" : "warm-up", i + 1, nanos / 1e6,
                    refusal.map(r -> " (" + r + ")").orElse("")));
        }
        ClosedLoop.endProgress();
        return new Cell(count, key, measured, background.endCell());
    }

    /**
     * One event saved on the condition that none of {@code count} criteria {@code key = absent-<run>-<n>} matches,
     * with {@code n} taken from {@code values} so that no value repeats within the run.
     */
    static SaveEventsRequest request(String boundary, String runId, String key, int count, AtomicLong values) {
        Query.Builder query = Query.newBuilder();
        String first = "";
        for (int i = 0; i < count; i++) {
            String value = "absent-" + runId + "-" + values.getAndIncrement();
            if (i == 0) {
                first = value;
            }
            query.addCriteria(Criterion.newBuilder().addTags(Tag.newBuilder().setKey(key).setValue(value)));
        }
        return SaveEventsRequest.newBuilder()
                .setBoundary(boundary)
                .addEvents(EventToSave.newBuilder()
                        .setEventId("c-" + first)
                        .setEventType(EVENT_TYPE)
                        .setData(data("saved-" + first, "saved-" + first))
                        .setMetadata(Payload.METADATA))
                .setQuery(SaveQuery.newBuilder().setExpectedPosition(NONE).setSubsetQuery(query))
                .build();
    }

    /** The data of a written event: both measured keys, and a little padding. */
    static String data(String indexed, String plain) {
        return "{\"" + INDEXED_KEY + "\":\"" + indexed + "\",\"" + PLAIN_KEY + "\":\"" + plain + "\",\"pad\":\""
                + PADDING + "\"}";
    }

    /** {@code OK} for success; otherwise the status code and the first characters of its description. */
    static String describe(Status status) {
        String description = Optional.ofNullable(status.getDescription()).orElse("");
        if (description.length() > DESCRIPTION_CHARS) {
            description = description.substring(0, DESCRIPTION_CHARS);
        }
        return description.isEmpty() ? status.getCode().name() : status.getCode().name() + ": " + description;
    }

    /** Writes {@code count} unconditional events, event i with {@code indexed_key = v<i>, plain_key = w<i>}. */
    private static void prepopulate(ServerConnection server, String boundary, String runId, long count) {
        long start = System.nanoTime();
        for (long first = 0; first < count; first += PREPOPULATION_SAVE) {
            long end = Math.min(count, first + PREPOPULATION_SAVE);
            SaveEventsRequest.Builder request = SaveEventsRequest.newBuilder().setBoundary(boundary);
            for (long i = first; i < end; i++) {
                request.addEvents(EventToSave.newBuilder()
                        .setEventId("pre-" + runId + "-" + i)
                        .setEventType(EVENT_TYPE)
                        .setData(data("v" + i, "w" + i))
                        .setMetadata(Payload.METADATA));
            }
            server.eventStore().saveEvents(request.build());
            double seconds = (System.nanoTime() - start) / 1e9;
            ClosedLoop.progress(String.format(Locale.ROOT, "prepopulating %,d / %,d events  %.0f ev/s",
                    end, count, end / seconds));
        }
        ClosedLoop.endProgress();
        if (count > 0) {
            System.out.printf(Locale.ROOT, "# %,d events written in %.1f s%n", count,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** Creates the TEXT index on {@value #INDEXED_KEY}, or keeps the one that exists. */
    private static void createIndex(ServerConnection server, String boundary) {
        long start = System.nanoTime();
        try {
            server.admin(ADMIN_DEADLINE).createIndex(CreateIndexRequest.newBuilder()
                    .setBoundary(boundary)
                    .setName(INDEX_NAME)
                    .addFields(IndexField.newBuilder().setJsonKey(INDEXED_KEY).setValueType(ValueType.TEXT))
                    .build());
            System.out.printf(Locale.ROOT, "# index %s on %s ready after %.1f s%n", INDEX_NAME, INDEXED_KEY,
                    (System.nanoTime() - start) / 1e9);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                throw e;
            }
            System.out.println("# index " + INDEX_NAME + " exists with another definition; keeping it: "
                    + e.getStatus().getDescription());
        }
    }

    private static void printCpu(long started) {
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        Optional<Duration> process = ProcessHandle.current().info().totalCpuDuration();
        String bean = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? String.format(Locale.ROOT, "%.1f s", os.getProcessCpuTime() / 1e9) : "n/a";
        System.out.printf(Locale.ROOT, "# tool CPU time: %s (OperatingSystemMXBean %s) over %.1f s of wall time%n",
                process.map(d -> String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1e3)).orElse("n/a"), bean,
                wall.toMillis() / 1e3);
    }

    static String table(List<Cell> cells) {
        StringBuilder out = new StringBuilder();
        out.append("| criteria | index | saves OK/refused | p50 ms | max ms | outcome of the refused ones"
                + " | background saves (errors) | background p99 ms |\n");
        out.append("|---:|---|---:|---:|---:|---|---:|---:|\n");
        for (Cell cell : cells) {
            out.append(String.format(Locale.ROOT, "| %d | %s | %d/%d | %.1f | %.1f | %s | %d (%d) | %s |%n",
                    cell.criteria(), cell.index(), cell.ok(), cell.refused(), cell.percentileMillis(0.50),
                    cell.percentileMillis(1.0), cell.refusals().replace("|", "\\|"), cell.background().saves(),
                    cell.background().errors(), cell.background().p99Text()));
        }
        return out.toString();
    }

    static String csv(List<Cell> cells) {
        StringBuilder out = new StringBuilder("criteria,key,index,ok,refused,p50_ms,max_ms,refused_outcomes,"
                + "background_saves,background_errors,background_p99_ms\n");
        for (Cell cell : cells) {
            String refusals = cell.refused() == 0 ? "" : cell.refusals();
            out.append(String.format(Locale.ROOT, "%d,%s,%s,%d,%d,%.3f,%.3f,\"%s\",%d,%d,%s%n",
                    cell.criteria(), cell.key(), cell.key().equals(INDEXED_KEY) ? "TEXT" : "none", cell.ok(),
                    cell.refused(), cell.percentileMillis(0.50), cell.percentileMillis(1.0),
                    refusals.replace("\"", "\"\""), cell.background().saves(), cell.background().errors(),
                    cell.background().p99Millis().map(p -> String.format(Locale.ROOT, "%.3f", p)).orElse("")));
        }
        return out.toString();
    }

    /** One measured save: its wall time, and the status it was refused with, if it was. */
    record Outcome(long nanos, Optional<String> refusal) {
    }

    /** The background client's figures over one cell. */
    record BackgroundFigures(int saves, int errors, Optional<Double> p99Millis) {

        String p99Text() {
            return p99Millis.map(p -> String.format(Locale.ROOT, "%.1f", p)).orElse("-");
        }
    }

    /** The measured saves of one count of criteria on one key. */
    record Cell(int criteria, String key, List<Outcome> outcomes, BackgroundFigures background) {

        Cell {
            outcomes = List.copyOf(outcomes);
        }

        String index() {
            return key.equals(INDEXED_KEY) ? "TEXT on " + key : "none (" + key + ")";
        }

        long ok() {
            return outcomes.stream().filter(o -> o.refusal().isEmpty()).count();
        }

        long refused() {
            return outcomes.size() - ok();
        }

        /** The nearest-rank percentile of the wall times of every measured save, accepted or refused. */
        double percentileMillis(double quantile) {
            return CriteriaScaling.percentileMillis(outcomes.stream().mapToLong(Outcome::nanos).toArray(), quantile);
        }

        /** The distinct refusals with how often each occurred, or {@code -} when there were none. */
        String refusals() {
            Map<String, Integer> counted = new TreeMap<>();
            outcomes.forEach(o -> o.refusal().ifPresent(r -> counted.merge(r, 1, Integer::sum)));
            if (counted.isEmpty()) {
                return "-";
            }
            List<String> parts = new ArrayList<>();
            counted.forEach((refusal, times) -> parts.add(times + "x " + refusal));
            return String.join("; ", parts);
        }
    }

    /** The nearest-rank percentile of {@code nanos}, in milliseconds; 0 for none. */
    static double percentileMillis(long[] nanos, double quantile) {
        if (nanos.length == 0) {
            return 0;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    /**
     * One client saving one event at a time, each conditional on one fresh {@value #BACKGROUND_KEY} value being
     * absent. A call that starts while a cell is open counts for that cell, and the cell's figures wait for it to
     * end, so a call held up by the cell's large saves is counted even when it ends after them. Calls that start
     * between cells are not counted.
     */
    private static final class Background implements Runnable {

        private final ServerConnection server;
        private final String boundary;
        private final String runId;
        private final AtomicReference<CellCalls> cell = new AtomicReference<>();
        private volatile boolean running = true;

        Background(ServerConnection server, String boundary, String runId) {
            this.server = server;
            this.boundary = boundary;
            this.runId = runId;
        }

        @Override
        public void run() {
            for (long n = 0; running; n++) {
                String value = "bg-" + runId + "-" + n;
                SaveEventsRequest request = SaveEventsRequest.newBuilder()
                        .setBoundary(boundary)
                        .addEvents(EventToSave.newBuilder()
                                .setEventId(value)
                                .setEventType(EVENT_TYPE)
                                .setData("{\"" + BACKGROUND_KEY + "\":\"" + value + "\"}")
                                .setMetadata(Payload.METADATA))
                        .setQuery(SaveQuery.newBuilder().setExpectedPosition(NONE)
                                .setSubsetQuery(Query.newBuilder().addCriteria(Criterion.newBuilder()
                                        .addTags(Tag.newBuilder().setKey(BACKGROUND_KEY).setValue(value)))))
                        .build();
                Optional<CellCalls> open = Optional.ofNullable(cell.get());
                open.ifPresent(CellCalls::started);
                long start = System.nanoTime();
                Optional<Status> failure = Optional.empty();
                try {
                    server.eventStore().saveEvents(request);
                } catch (StatusRuntimeException e) {
                    failure = Optional.of(e.getStatus());
                }
                long nanos = System.nanoTime() - start;
                if (open.isPresent()) {
                    open.get().ended(nanos, failure);
                }
            }
        }

        void beginCell() {
            cell.set(new CellCalls());
        }

        /** Closes the cell, waits for its call in flight (bounded by the call deadline), and sums it up. */
        BackgroundFigures endCell() throws InterruptedException {
            return cell.getAndSet(null).figures();
        }

        void stop() {
            running = false;
        }
    }

    /** The background calls that started in one cell. */
    private static final class CellCalls {

        private final List<Long> nanos = new ArrayList<>();
        private int errors;
        private int inFlight;

        synchronized void started() {
            inFlight++;
        }

        synchronized void ended(long callNanos, Optional<Status> failure) {
            nanos.add(callNanos);
            if (failure.isPresent() && ++errors == 1) {
                System.err.println("background save failed: " + describe(failure.get()));
            }
            inFlight--;
            notifyAll();
        }

        synchronized BackgroundFigures figures() throws InterruptedException {
            while (inFlight > 0) {
                wait();
            }
            long[] all = nanos.stream().mapToLong(Long::longValue).toArray();
            return new BackgroundFigures(all.length, errors,
                    all.length == 0 ? Optional.empty() : Optional.of(percentileMillis(all, 0.99)));
        }
    }
}
