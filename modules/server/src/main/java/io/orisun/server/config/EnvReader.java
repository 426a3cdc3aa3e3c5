package io.orisun.server.config;

import io.orisun.api.BoundarySpec;
import io.orisun.api.InvalidRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads typed values from the environment and records, rather than throws, what is wrong, so that every problem is
 * reported at once. A value that fails to parse is replaced by its default so that reading can go on; the recorded
 * problem guarantees that no configuration is built from it.
 */
final class EnvReader {

    private static final Set<String> NATS_SCHEMES = Set.of("nats", "tls", "ws", "wss");
    private static final Set<String> ROUTE_SCHEMES = Set.of("nats", "nats-route", "tls");

    private final Map<String, String> env;
    private final Function<Setting, String> names;
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Set<Setting> failed = EnumSet.noneOf(Setting.class);

    EnvReader(Map<String, String> env) {
        this(env, Setting::variable);
    }

    /**
     * A reader whose settings are looked up, and named in problems, under the variables {@code names} gives them:
     * how the settings of one named PostgreSQL server are read with the rules of the default server's.
     */
    EnvReader(Map<String, String> env, Function<Setting, String> names) {
        this.env = env;
        this.names = names;
    }

    /** Every problem recorded so far, in the order found. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    /** Every warning recorded so far, in the order found. */
    List<String> warnings() {
        return List.copyOf(warnings);
    }

    boolean isSet(Setting setting) {
        String value = env.get(names.apply(setting));
        return value != null && !value.isBlank();
    }

    /** Whether a problem was recorded for the setting, so that rules built on it are not checked again. */
    boolean failed(Setting setting) {
        return failed.contains(setting);
    }

    /** Marks a setting as failed without a problem of its own, when a problem about several was recorded. */
    void markFailed(Setting setting) {
        failed.add(setting);
    }

    /** The value, stripped of surrounding white space unless secret, or the default when unset or blank. */
    String text(Setting setting) {
        String value = env.get(names.apply(setting));
        if (value == null || value.isBlank()) {
            return setting.defaultValue();
        }
        return setting.secret() ? value : value.strip();
    }

    /** A secret that may be absent: taken as it is, never stripped; a blank value is absent. */
    Optional<String> secret(Setting setting) {
        String value = env.getOrDefault(names.apply(setting), setting.defaultValue());
        return value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /** For settings that may be absent: an explicitly blank value is absent even when the default is not. */
    Optional<String> optional(Setting setting) {
        String value = env.getOrDefault(names.apply(setting), setting.defaultValue()).strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Records that the setting's value is not {@code expectation}, quoting the value (masked when secret). */
    void problem(Setting setting, String expectation) {
        problems.add(quoted(setting) + " " + expectation);
        failed.add(setting);
    }

    /** A problem that is not about one variable's value, such as a boundary missing from one of two lists. */
    void crossProblem(String problem) {
        problems.add(problem);
    }

    void warn(String warning) {
        warnings.add(warning);
    }

    /**
     * Builds a settings record whose constructor holds its rules, turning a rule it refuses into a problem that
     * names the variables it was read from (those set explicitly, or all when it refuses the defaults), their
     * values and the rule. Variables that already failed are left out, their defaults standing in; when no other
     * variable was set, nothing is recorded, since the refusal would only echo their problems.
     *
     * @param what        what the record configures, for the message
     * @param constructor builds the record; may throw {@link IllegalArgumentException}
     * @param sources     the variables the record's values come from
     * @return the record, or empty when it was refused
     */
    <T> Optional<T> record(String what, Supplier<T> constructor, Setting... sources) {
        try {
            return Optional.of(constructor.get());
        } catch (IllegalArgumentException e) {
            List<Setting> healthy = Arrays.stream(sources).filter(setting -> !failed(setting)).toList();
            List<Setting> set = healthy.stream().filter(this::isSet).toList();
            List<Setting> named = set.isEmpty() ? healthy : set;
            if (healthy.size() == sources.length || !set.isEmpty()) {
                problems.add(named.stream().map(this::quoted).collect(Collectors.joining(", "))
                        + (named.size() == 1 ? " is" : " are") + " not valid for " + what + ": " + e.getMessage());
                failed.addAll(named);
            }
            return Optional.empty();
        }
    }

    private String quoted(Setting setting) {
        String value = env.get(names.apply(setting));
        if (value == null || value.isBlank()) {
            value = setting.defaultValue();
        }
        String shown = setting.secret() ? OrisunConfig.MASK : printable(OrisunConfig.maskCredentials(value.strip()));
        return names.apply(setting) + "='" + shown + "'";
    }

    int integer(Setting setting, long min, long max, String what) {
        String value = text(setting);
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return (int) number;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected range
        }
        String range = max == Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max;
        problem(setting, "is not " + what + " (a whole number " + range + ")");
        return Integer.parseInt(setting.defaultValue());
    }

    int port(Setting setting, boolean anyFreePortAllowed) {
        String value = text(setting);
        try {
            int port = Integer.parseInt(value);
            if (port >= (anyFreePortAllowed ? 0 : 1) && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected range
        }
        problem(setting, anyFreePortAllowed ? "is not a port (1-65535, or 0 for any free port)" : "is not a port (1-65535)");
        // A port that defaults to another setting's has no default of its own; 1 only keeps the records valid.
        return setting.defaultValue().isEmpty() ? 1 : Integer.parseInt(setting.defaultValue());
    }

    /** A positive limit, or -1 for none. */
    long cap(Setting setting) {
        String value = text(setting);
        try {
            long cap = Long.parseLong(value);
            if (cap == -1 || cap > 0) {
                return cap;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(setting, "is not a limit (a positive whole number, or -1 for no limit)");
        return Long.parseLong(setting.defaultValue());
    }

    boolean bool(Setting setting) {
        switch (text(setting).toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> {
                return true;
            }
            case "false", "0", "no" -> {
                return false;
            }
            default -> {
                problem(setting, "is not a boolean (true/false, 1/0 or yes/no)");
                return Boolean.parseBoolean(setting.defaultValue());
            }
        }
    }

    Duration duration(Setting setting, boolean zeroAllowed) {
        try {
            Duration duration = GoDuration.parse(text(setting));
            if (zeroAllowed || !duration.isZero()) {
                return duration;
            }
            problem(setting, "is not a positive duration");
        } catch (IllegalArgumentException e) {
            problem(setting, "is not " + GoDuration.EXPECTED);
        }
        return GoDuration.parse(setting.defaultValue());
    }

    /** One of {@code allowed}, compared without regard to case; returned as listed in {@code allowed}. */
    String choice(Setting setting, List<String> allowed) {
        String value = text(setting);
        for (String candidate : allowed) {
            if (candidate.equalsIgnoreCase(value)) {
                return candidate;
            }
        }
        problem(setting, "is not one of " + String.join(", ", allowed));
        return setting.defaultValue();
    }

    System.Logger.Level level(Setting setting) {
        return switch (text(setting).toUpperCase(Locale.ROOT)) {
            case "TRACE" -> System.Logger.Level.TRACE;
            case "DEBUG" -> System.Logger.Level.DEBUG;
            case "INFO" -> System.Logger.Level.INFO;
            case "WARN", "WARNING" -> System.Logger.Level.WARNING;
            case "ERROR" -> System.Logger.Level.ERROR;
            default -> {
                problem(setting, "is not a log level (TRACE, DEBUG, INFO, WARN or ERROR)");
                yield System.Logger.Level.INFO;
            }
        };
    }

    String identifier(Setting setting, String what) {
        String value = text(setting);
        try {
            return BoundarySpec.requireIdentifier(what, value);
        } catch (InvalidRequest e) {
            problem(setting, "is not a valid " + what + " name (letters, digits and '_', starting with a letter"
                    + " or '_', at most 63 characters)");
            return setting.defaultValue();
        }
    }

    Path path(Setting setting) {
        return toPath(setting, text(setting)).orElseGet(() -> Path.of(setting.defaultValue()));
    }

    Optional<Path> optionalPath(Setting setting) {
        return optional(setting).flatMap(value -> toPath(setting, value));
    }

    private Optional<Path> toPath(Setting setting, String value) {
        try {
            return Optional.of(Path.of(value));
        } catch (InvalidPathException e) {
            problem(setting, "is not a valid path");
            return Optional.empty();
        }
    }

    /** One or more NATS server URLs separated by commas; a URL without a scheme is a host:port. */
    Optional<String> natsUrl(Setting setting) {
        Optional<String> value = optional(setting);
        for (String server : value.map(v -> v.split(",", -1)).orElse(new String[0])) {
            String trimmed = server.strip();
            boolean valid = !trimmed.isEmpty() && trimmed.chars().noneMatch(Character::isWhitespace);
            int scheme = trimmed.indexOf("://");
            if (valid && scheme >= 0) {
                valid = NATS_SCHEMES.contains(trimmed.substring(0, scheme).toLowerCase(Locale.ROOT));
            }
            if (!valid) {
                problem(setting, "is not a NATS URL (for example nats://host:4222; several separated by commas)");
                return Optional.empty();
            }
        }
        return value;
    }

    /** Route URLs separated by commas; blank entries are dropped, so an empty value means "no routes". */
    List<String> routes(Setting setting) {
        List<String> routes = Arrays.stream(optional(setting).orElse("").split(","))
                .map(String::strip).filter(route -> !route.isEmpty()).toList();
        for (String route : routes) {
            if (!isRoute(route)) {
                problem(setting, "has '" + printable(OrisunConfig.maskCredentials(route))
                        + "', which is not a route URL such as nats://host:6222");
                return List.of();
            }
        }
        return routes;
    }

    private static boolean isRoute(String route) {
        try {
            URI uri = new URI(route);
            return uri.getScheme() != null && ROUTE_SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    && uri.getHost() != null && uri.getPort() > 0;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    PoolConfig pool(Setting maxOpen, Setting maxIdle, Setting maxIdleTime, Setting maxLifetime) {
        int open = integer(maxOpen, 1, Integer.MAX_VALUE, "a number of connections");
        int idle = integer(maxIdle, 0, Integer.MAX_VALUE, "a number of connections");
        Duration idleTime = duration(maxIdleTime, true);
        Duration lifetime = duration(maxLifetime, true);
        if (idle > open) {
            if (!failed(maxOpen) && !failed(maxIdle)) {
                problem(maxIdle, "is more than " + names.apply(maxOpen) + "=" + open);
            }
            idle = open;
        }
        return new PoolConfig(open, idle, idleTime, lifetime);
    }

    /** The value as it may be quoted in a message: shortened, with control characters replaced. */
    static String printable(String value) {
        String shortened = value.length() > 120 ? value.substring(0, 120) + "..." : value;
        return shortened.replaceAll("\\p{Cntrl}", "?");
    }
}
