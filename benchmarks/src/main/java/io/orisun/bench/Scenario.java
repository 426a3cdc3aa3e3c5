package io.orisun.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One workload of the load tool, named as in Orisun's benchmark: {@code write-conditional-N} and
 * {@code write-unconditional-N} save N events per request, {@code read-conditional} and {@code read-unconditional}
 * page through the log, {@code subscribe-latency} measures commit-to-delivery time of a live subscription, and
 * {@code catch-up-replay} the rate at which catch-up subscriptions replay the log from PostgreSQL.
 */
record Scenario(Kind kind, int eventsPerRequest) {

    enum Kind {
        WRITE_CONDITIONAL("write-conditional"),
        WRITE_UNCONDITIONAL("write-unconditional"),
        READ_CONDITIONAL("read-conditional"),
        READ_UNCONDITIONAL("read-unconditional"),
        SUBSCRIBE_LATENCY("subscribe-latency"),
        CATCH_UP_REPLAY("catch-up-replay");

        final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    /** The most events one generated save request carries; Orisun's matrix stops at 1000. */
    static final int MAX_EVENTS_PER_REQUEST = 10_000;

    /** Every scenario, in the order the tool runs them by default. */
    static final List<Scenario> ALL = List.of(
            new Scenario(Kind.WRITE_CONDITIONAL, 1), new Scenario(Kind.WRITE_CONDITIONAL, 10),
            new Scenario(Kind.WRITE_CONDITIONAL, 100),
            new Scenario(Kind.WRITE_UNCONDITIONAL, 1), new Scenario(Kind.WRITE_UNCONDITIONAL, 10),
            new Scenario(Kind.WRITE_UNCONDITIONAL, 100), new Scenario(Kind.WRITE_UNCONDITIONAL, 1000),
            new Scenario(Kind.READ_CONDITIONAL, 0), new Scenario(Kind.READ_UNCONDITIONAL, 0),
            new Scenario(Kind.SUBSCRIBE_LATENCY, 1), new Scenario(Kind.CATCH_UP_REPLAY, 0));

    Scenario {
        if (eventsPerRequest < 0) {
            throw new IllegalArgumentException("events per request must not be negative");
        }
    }

    /** Parses a comma-separated list of scenario names. */
    static List<Scenario> parseList(String names) {
        List<Scenario> scenarios = new ArrayList<>();
        for (String name : names.split(",")) {
            if (!name.isBlank()) {
                scenarios.add(parse(name.strip()));
            }
        }
        return scenarios;
    }

    static Scenario parse(String name) {
        for (Kind kind : Kind.values()) {
            if (name.equals(kind.prefix)) {
                return switch (kind) {
                    case READ_CONDITIONAL, READ_UNCONDITIONAL, CATCH_UP_REPLAY -> new Scenario(kind, 0);
                    case SUBSCRIBE_LATENCY -> new Scenario(kind, 1);
                    default -> throw unknown(name);
                };
            }
            if (name.startsWith(kind.prefix + "-")) {
                int size;
                try {
                    size = Integer.parseInt(name.substring(kind.prefix.length() + 1));
                } catch (NumberFormatException e) {
                    throw unknown(name);
                }
                boolean sized = kind == Kind.WRITE_CONDITIONAL || kind == Kind.WRITE_UNCONDITIONAL;
                if (!sized || size < 1 || size > MAX_EVENTS_PER_REQUEST) {
                    throw unknown(name);
                }
                return new Scenario(kind, size);
            }
        }
        throw unknown(name);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown scenario '" + name + "'; known: "
                + String.join(", ", ALL.stream().map(Scenario::name).toList())
                + " (the writes take any size from 1 to " + MAX_EVENTS_PER_REQUEST + ")");
    }

    String name() {
        return switch (kind) {
            case WRITE_CONDITIONAL, WRITE_UNCONDITIONAL -> kind.prefix + "-" + eventsPerRequest;
            default -> kind.prefix;
        };
    }

    boolean writes() {
        return kind == Kind.WRITE_CONDITIONAL || kind == Kind.WRITE_UNCONDITIONAL;
    }

    @Override
    public String toString() {
        return name();
    }
}
