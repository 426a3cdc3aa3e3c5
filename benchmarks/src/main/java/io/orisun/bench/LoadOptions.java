package io.orisun.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The load tool's command line, validated. Every option has a default, so {@code load} alone runs the whole matrix
 * against {@code localhost:5005}, without the JDBC baseline (which needs {@code --baseline-jdbc}).
 */
record LoadOptions(
        String target,
        String user,
        String password,
        String boundary,
        List<Scenario> scenarios,
        List<Integer> concurrency,
        Duration duration,
        WarmUp warmup,
        long prepopulateEvents,
        int tagCardinality,
        int payloadBytes,
        boolean createIndex,
        int readCount,
        int subscribeRate,
        Optional<Path> out,
        Optional<String> baselineJdbc,
        String baselineUser,
        String baselinePassword) {

    static final String USAGE = """
            usage: java -jar orisun-benchmarks.jar load [options]

              --target HOST:PORT         the server's gRPC address (localhost:5005)
              --user NAME --password PW  Basic credentials of a user with ADMIN (admin / changeit)
              --boundary NAME            the boundary to load (orisun_test_1)
              --scenarios LIST           comma-separated, from: write-conditional-{1,10,100},
                                         write-unconditional-{1,10,100,1000}, read-conditional, read-unconditional,
                                         subscribe-latency, catch-up-replay (all of them)
              --concurrency LIST         concurrent clients, one run per value (1,4,16,64,256)
              --duration D               measured time per run, e.g. 10s, 500ms (10s)
              --warmup steady|D          unmeasured warm-up per run: until three consecutive seconds' rates lie
                                         within 10% of their mean, or a fixed time such as 3s (steady); its first
                                         3 s are reported as the cold figures
              --warmup-max D             the longest steady warm-up (60s)
              --prepopulate-events N     unconditional events written before the runs, for the reads (0)
              --tag-cardinality N        distinct benchmark_context values among those events (100000)
              --payload-bytes N          size of each event's data JSON (256)
              --create-index             create a TEXT index on benchmark_context through Admin.CreateIndex
              --read-count N             events asked for per GetEvents (100)
              --subscribe-rate N         events/s saved during subscribe-latency, 0 for as fast as possible (2000)
              --out FILE                 write the results as CSV and JSON (FILE and FILE with .json / .csv)
              --baseline-jdbc URL        run the plain JDBC baseline on this PostgreSQL, e.g.
                                         jdbc:postgresql://localhost:5434/orisun
              --baseline-user U --baseline-password P   its credentials (postgres / postgres)
            """;

    LoadOptions {
        if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("--concurrency needs positive numbers, got " + concurrency);
        }
        if (scenarios.isEmpty()) {
            throw new IllegalArgumentException("--scenarios names no scenario");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (prepopulateEvents < 0 || tagCardinality < 1 || payloadBytes < 0 || readCount < 1 || readCount > 10_000
                || subscribeRate < 0) {
            throw new IllegalArgumentException("--prepopulate-events and --payload-bytes must not be negative,"
                    + " --tag-cardinality must be at least 1, --read-count between 1 and 10000");
        }
        scenarios = List.copyOf(scenarios);
        concurrency = List.copyOf(concurrency);
    }

    /**
     * Parses {@code --name value} and {@code --name=value} pairs.
     *
     * @return empty when {@code --help} was asked for
     * @throws IllegalArgumentException naming the option for an unknown option or a bad value
     */
    static Optional<LoadOptions> parse(String[] args) {
        String target = "localhost:5005";
        String user = "admin";
        String password = "changeit";
        String boundary = "orisun_test_1";
        List<Scenario> scenarios = Scenario.ALL;
        List<Integer> concurrency = List.of(1, 4, 16, 64, 256);
        Duration duration = Duration.ofSeconds(10);
        Optional<Duration> fixedWarmup = Optional.empty();
        Duration warmupMax = WarmUp.DEFAULT_MAX;
        long prepopulate = 0;
        int cardinality = 100_000;
        int payloadBytes = 256;
        boolean createIndex = false;
        int readCount = 100;
        int subscribeRate = 2000;
        Optional<Path> out = Optional.empty();
        Optional<String> baselineJdbc = Optional.empty();
        String baselineUser = "postgres";
        String baselinePassword = "postgres";
        Optional<List<Map.Entry<String, String>>> options = CommandLine.options(args, Set.of("--create-index"));
        if (options.isEmpty()) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> option : options.get()) {
            String name = option.getKey();
            String value = option.getValue();
            try {
                switch (name) {
                    case "--target" -> target = value;
                    case "--user" -> user = value;
                    case "--password" -> password = value;
                    case "--boundary" -> boundary = value;
                    case "--scenarios" -> scenarios = Scenario.parseList(value);
                    case "--concurrency" -> concurrency = integers(value);
                    case "--duration" -> duration = duration(value);
                    case "--warmup" -> fixedWarmup = value.equals("steady") ? Optional.empty()
                            : Optional.of(nonNegative(name, duration(value)));
                    case "--warmup-max" -> warmupMax = nonNegative(name, duration(value));
                    case "--prepopulate-events" -> prepopulate = count(value);
                    case "--tag-cardinality" -> cardinality = Math.toIntExact(count(value));
                    case "--payload-bytes" -> payloadBytes = Math.toIntExact(count(value));
                    case "--create-index" -> createIndex = Boolean.parseBoolean(value);
                    case "--read-count" -> readCount = Math.toIntExact(count(value));
                    case "--subscribe-rate" -> subscribeRate = Math.toIntExact(count(value));
                    case "--out" -> out = Optional.of(Path.of(value));
                    case "--baseline-jdbc" -> baselineJdbc = Optional.of(value);
                    case "--baseline-user" -> baselineUser = value;
                    case "--baseline-password" -> baselinePassword = value;
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            } catch (NumberFormatException | ArithmeticException e) {
                throw CommandLine.badValue(option, e);
            }
        }
        WarmUp warmup = fixedWarmup.map(WarmUp::fixed).orElse(WarmUp.steady(warmupMax));
        return Optional.of(new LoadOptions(target, user, password, boundary, scenarios, concurrency, duration, warmup,
                prepopulate, cardinality, payloadBytes, createIndex, readCount, subscribeRate, out, baselineJdbc,
                baselineUser, baselinePassword));
    }

    static List<Integer> integers(String list) {
        List<Integer> values = new ArrayList<>();
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                values.add(Integer.parseInt(part.strip()));
            }
        }
        return values;
    }

    /** A count, written plainly or in scientific notation ({@code 1e6}) as Orisun's tool documents it. */
    static long count(String value) {
        String v = value.strip().replace("_", "");
        if (v.toLowerCase(Locale.ROOT).contains("e")) {
            double d = Double.parseDouble(v);
            if (d != Math.rint(d)) {
                throw new NumberFormatException(value);
            }
            return (long) d;
        }
        return Long.parseLong(v);
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}, or a plain number of seconds. */
    private static Duration nonNegative(String option, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(option + " must not be negative, got " + value);
        }
        return value;
    }

    static Duration duration(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        }
        if (v.endsWith("m")) {
            return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    }
}
