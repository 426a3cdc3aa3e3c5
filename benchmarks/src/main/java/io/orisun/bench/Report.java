package io.orisun.bench;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Renders results as a text table for the console and as CSV and JSON files. Latencies are in milliseconds;
 * rates and ratios that do not apply are empty (CSV, table) or {@code null} (JSON). The warm-up column is its
 * length in seconds, with {@code *} when the rate was not steady at its end; the cold columns are its first seconds;
 * the CPU columns are microseconds of CPU per event of each process group in the measured window, {@code store}
 * being the server, PostgreSQL and nats-server together.
 */
final class Report {

    private Report() {
    }

    private record Column(String name, String format, Function<ResultRow, Object> value) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("scenario", "%-24s", r -> r.scenario().name()),
            new Column("clients", "%7s", ResultRow::clients),
            new Column("events/s", "%10s", r -> rate(r.totals().eventsPerSecond())),
            new Column("requests/s", "%10s", r -> rate(r.totals().requestsPerSecond())),
            new Column("p50_ms", "%8s", r -> millis(r.totals().latencyMillis(50))),
            new Column("p99_ms", "%8s", r -> millis(r.totals().latencyMillis(99))),
            new Column("p999_ms", "%8s", r -> millis(r.totals().latencyMillis(99.9))),
            new Column("conflicts", "%9s", r -> r.totals().conflicts()),
            new Column("errors", "%6s", r -> r.totals().errors()),
            new Column("jdbc_1commit_ev/s", "%17s", r -> r.perEvent().map(b -> rate(b.eventsPerSecond())).orElse("")),
            new Column("ratio_1commit", "%13s", r -> ratio(r.perEventRatio())),
            new Column("jdbc_batch", "%10s", r -> r.batched().isPresent() ? r.batchSize() : ""),
            new Column("jdbc_batch_ev/s", "%15s", r -> r.batched().map(b -> rate(b.eventsPerSecond())).orElse("")),
            new Column("ratio_batch", "%11s", r -> ratio(r.batchedRatio())),
            new Column("warmup_s", "%8s", r -> warmUp(r.totals().warmUp())),
            new Column("cold_ev/s", "%9s", r -> r.totals().warmUp().cold().map(c -> rate(c.eventsPerSecond())).orElse("")),
            new Column("cold_p99_ms", "%11s",
                    r -> r.totals().warmUp().cold().map(c -> millis(c.latencyMillis(99))).orElse("")),
            new Column("cpu_us/ev_server", "%16s", r -> micros(r.totals().cpu().of("server"))),
            new Column("cpu_us/ev_postgres", "%18s", r -> micros(r.totals().cpu().of("postgres"))),
            new Column("cpu_us/ev_nats", "%14s", r -> micros(r.totals().cpu().of("nats"))),
            new Column("cpu_us/ev_store", "%15s", r -> micros(r.totals().cpu().store())),
            new Column("cpu_us/ev_tool", "%14s", r -> micros(r.totals().cpu().of("tool"))),
            new Column("jdbc_1commit_cpu_us/ev_postgres", "%31s",
                    r -> r.perEvent().map(b -> micros(b.cpu().of("postgres"))).orElse("")),
            new Column("delivery_p50_ms", "%15s", r -> r.delivery().map(d -> millis(d.latencyMillis(50))).orElse("")),
            new Column("delivery_p99_ms", "%15s", r -> r.delivery().map(d -> millis(d.latencyMillis(99))).orElse("")),
            new Column("delivery_p999_ms", "%16s",
                    r -> r.delivery().map(d -> millis(d.latencyMillis(99.9))).orElse("")));

    /** The console table, one row per scenario and concurrency, leaving out columns that are empty in every row. */
    static String table(List<ResultRow> rows) {
        List<Column> shown = COLUMNS.stream()
                .filter(column -> rows.stream().anyMatch(row -> !String.valueOf(column.value().apply(row)).isEmpty()))
                .toList();
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>();
        for (Column column : shown) {
            header.add(String.format(Locale.ROOT, column.format(), column.name()));
        }
        out.append(String.join(" ", header)).append('\n');
        for (ResultRow row : rows) {
            List<String> cells = new ArrayList<>();
            for (Column column : shown) {
                cells.add(String.format(Locale.ROOT, column.format(), column.value().apply(row)));
            }
            out.append(String.join(" ", cells)).append('\n');
        }
        return out.toString();
    }

    static String csv(List<ResultRow> rows) {
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", COLUMNS.stream().map(Column::name).toList())).append('\n');
        for (ResultRow row : rows) {
            out.append(String.join(",", COLUMNS.stream().map(c -> String.valueOf(c.value().apply(row))).toList()))
                    .append('\n');
        }
        return out.toString();
    }

    /** The run's settings and machine, then every row with its raw counts, as one JSON object. */
    static String json(Map<String, String> run, List<ResultRow> rows) {
        StringBuilder out = new StringBuilder("{\n  \"run\": {");
        String separator = "\n";
        for (Map.Entry<String, String> entry : run.entrySet()) {
            out.append(separator).append("    ").append(quote(entry.getKey())).append(": ").append(quote(entry.getValue()));
            separator = ",\n";
        }
        out.append("\n  },\n  \"results\": [");
        separator = "\n";
        for (ResultRow row : rows) {
            out.append(separator).append("    {\"scenario\": ").append(quote(row.scenario().name()))
                    .append(", \"clients\": ").append(row.clients())
                    .append(", \"result\": ").append(totals(row.totals()))
                    .append(", \"jdbc_1commit\": ").append(optionalTotals(row.perEvent()))
                    .append(", \"jdbc_batch_size\": ").append(row.batched().isPresent() ? row.batchSize() : "null")
                    .append(", \"jdbc_batch\": ").append(optionalTotals(row.batched()))
                    .append(", \"ratio_1commit\": ").append(number(row.perEventRatio()))
                    .append(", \"ratio_batch\": ").append(number(row.batchedRatio()))
                    .append(", \"delivery\": ").append(optionalTotals(row.delivery()))
                    .append('}');
            separator = ",\n";
        }
        return out.append("\n  ]\n}\n").toString();
    }

    private static String optionalTotals(Optional<Tally.Totals> totals) {
        return totals.map(Report::totals).orElse("null");
    }

    private static String totals(Tally.Totals t) {
        StringBuilder errors = new StringBuilder("{");
        String separator = "";
        for (Map.Entry<String, Long> kind : t.errorKinds().entrySet()) {
            errors.append(separator).append(quote(kind.getKey())).append(": ").append(kind.getValue());
            separator = ", ";
        }
        errors.append('}');
        StringBuilder cpu = new StringBuilder("{");
        separator = "";
        for (Map.Entry<String, Double> group : t.cpu().microsPerEvent().entrySet()) {
            cpu.append(separator).append(quote(group.getKey())).append(": ").append(number(group.getValue()));
            separator = ", ";
        }
        cpu.append('}');
        WarmUp.Outcome warm = t.warmUp();
        String warmUp = warm == WarmUp.Outcome.NONE ? "null" : String.format(Locale.ROOT,
                "{\"seconds\": %.1f, \"steady\": %s, \"cold\": %s}", warm.seconds(), warm.steady(),
                optionalTotals(warm.cold()));
        return String.format(Locale.ROOT, "{\"seconds\": %.3f, \"requests\": %d, \"events\": %d, \"events_per_s\": %s,"
                        + " \"requests_per_s\": %s, \"p50_ms\": %s, \"p99_ms\": %s, \"p999_ms\": %s, \"max_ms\": %s,"
                        + " \"conflicts\": %d, \"errors\": %d, \"error_kinds\": %s, \"cpu_us_per_event\": %s,"
                        + " \"warmup\": %s}",
                t.seconds(), t.requests(), t.events(), number(t.eventsPerSecond()), number(t.requestsPerSecond()),
                number(t.latencyMillis(50)), number(t.latencyMillis(99)), number(t.latencyMillis(99.9)),
                number(t.latencyMicros().getTotalCount() == 0 ? Double.NaN : t.latencyMicros().getMaxValue() / 1000.0),
                t.conflicts(), t.errors(), errors, cpu, warmUp);
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    private static String millis(double millis) {
        return Double.isNaN(millis) ? "" : String.format(Locale.ROOT, "%.2f", millis);
    }

    /** The warm-up's length in whole seconds, marked with {@code *} when it ended before the rate was steady. */
    private static String warmUp(WarmUp.Outcome warm) {
        return warm == WarmUp.Outcome.NONE ? "" : String.format(Locale.ROOT, "%.0f%s", warm.seconds(), warm.steady() ? "" : "*");
    }

    private static String micros(Optional<Double> micros) {
        return micros.map(m -> String.format(Locale.ROOT, "%.1f", m)).orElse("");
    }

    private static String ratio(double ratio) {
        return Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2f", ratio);
    }

    private static String number(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "null" : String.format(Locale.ROOT, "%.3f", value);
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return out.append('"').toString();
    }
}
