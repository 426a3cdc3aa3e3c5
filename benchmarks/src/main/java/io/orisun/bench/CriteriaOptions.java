package io.orisun.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The command line of {@code criteria}, validated. Every option has a default, so {@code criteria} alone measures
 * 1, 10, 100, 1000 and 1024 criteria against {@code localhost:5005} after writing 100,000 events.
 */
record CriteriaOptions(
        String target,
        String user,
        String password,
        String boundary,
        long events,
        List<Integer> counts,
        int repeat,
        int warmup,
        Duration deadline,
        Optional<Path> out) {

    static final String USAGE = """
            usage: java -jar orisun-benchmarks.jar criteria [options]

              --target HOST:PORT         the server's gRPC address (localhost:5005)
              --user NAME --password PW  Basic credentials of a user with ADMIN (admin / changeit)
              --boundary NAME            the boundary to write to (orisun_test_1)
              --events N                 events written before the measured saves, 1000 per save (100000)
              --counts LIST              criteria per measured save, one cell per value and key (1,10,100,1000,1024)
              --repeat R                 measured saves per cell (5)
              --warmup W                 unmeasured saves per cell, before the measured ones (2)
              --deadline D               client deadline of each save, e.g. 60s, 500ms (60s)
              --out FILE                 also write the table as CSV
            """;

    CriteriaOptions {
        if (counts.isEmpty() || counts.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("--counts needs positive numbers, got " + counts);
        }
        if (events < 0) {
            throw new IllegalArgumentException("--events must not be negative, got " + events);
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must not be negative, got " + warmup);
        }
        if (deadline.isZero() || deadline.isNegative()) {
            throw new IllegalArgumentException("--deadline must be positive, got " + deadline);
        }
        counts = List.copyOf(counts);
    }

    /**
     * Parses {@code --name value} and {@code --name=value} pairs.
     *
     * @return empty when {@code --help} was asked for
     * @throws IllegalArgumentException naming the option for an unknown option or a bad value
     */
    static Optional<CriteriaOptions> parse(String[] args) {
        String target = "localhost:5005";
        String user = "admin";
        String password = "changeit";
        String boundary = "orisun_test_1";
        long events = 100_000;
        List<Integer> counts = List.of(1, 10, 100, 1000, 1024);
        int repeat = 5;
        int warmup = 2;
        Duration deadline = Duration.ofSeconds(60);
        Optional<Path> out = Optional.empty();
        Optional<List<Map.Entry<String, String>>> options = CommandLine.options(args, Set.of());
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
                    case "--events" -> events = LoadOptions.count(value);
                    case "--counts" -> counts = LoadOptions.integers(value);
                    case "--repeat" -> repeat = Math.toIntExact(LoadOptions.count(value));
                    case "--warmup" -> warmup = Math.toIntExact(LoadOptions.count(value));
                    case "--deadline" -> deadline = LoadOptions.duration(value);
                    case "--out" -> out = Optional.of(Path.of(value));
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            } catch (NumberFormatException | ArithmeticException e) {
                throw CommandLine.badValue(option, e);
            }
        }
        return Optional.of(new CriteriaOptions(target, user, password, boundary, events, counts, repeat, warmup,
                deadline, out));
    }
}
