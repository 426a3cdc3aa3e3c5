package io.orisun.server.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@code ORISUN_*} names that are not a {@link Setting}: Orisun's own settings that have no counterpart here,
 * which are accepted with a warning so that its files work, another storage backend, which is refused, and
 * misspelt names, which are warned about with the closest known name.
 */
final class UnknownNames {

    private static final Set<String> KNOWN = Setting.all().stream().map(Setting::variable).collect(Collectors.toSet());

    /** Settings of Orisun that have no counterpart here; they are accepted with a warning so that its files work. */
    private static final Set<String> ORISUN_ONLY = Set.of("ORISUN_PG_DIALECT", "ORISUN_PG_ADMIN_SCHEMA",
            "ORISUN_GRPC_CONNECTION_TIMEOUT", "ORISUN_GRPC_INITIAL_WINDOW_SIZE", "ORISUN_GRPC_INITIAL_CONN_WINDOW_SIZE",
            "ORISUN_GRPC_WRITE_BUFFER_SIZE", "ORISUN_GRPC_READ_BUFFER_SIZE", "ORISUN_GRPC_KEEPALIVE_MIN_TIME",
            "ORISUN_GRPC_KEEPALIVE_PERMIT_WITHOUT_STREAM", "ORISUN_NATS_PUBLISH_ASYNC_MAX_PENDING");
    private static final List<String> ORISUN_ONLY_PREFIXES = List.of("ORISUN_SQLITE_", "ORISUN_FDB_");

    private UnknownNames() {
    }

    /** Records a warning for every unknown {@code ORISUN_*} name in {@code env}, in name order. */
    static void check(EnvReader in, Map<String, String> env) {
        for (String name : new TreeSet<>(env.keySet())) {
            // The named servers' variables are a family of their own, checked where they are read.
            if (!name.startsWith("ORISUN_") || KNOWN.contains(name) || name.startsWith(ServerVariables.PREFIX)) {
                continue;
            }
            if (name.equals("ORISUN_BACKEND")) {
                String backend = env.get(name).strip();
                if (!backend.isEmpty() && !backend.equalsIgnoreCase("postgres")) {
                    in.crossProblem("ORISUN_BACKEND='" + EnvReader.printable(backend)
                            + "' is not supported: Orisun-J stores events in PostgreSQL only");
                }
                continue;
            }
            if (ORISUN_ONLY.contains(name) || ORISUN_ONLY_PREFIXES.stream().anyMatch(name::startsWith)) {
                in.warn(name + " is an Orisun setting that Orisun-J does not use; it is ignored");
                continue;
            }
            in.warn(name + " is not a known setting and is ignored"
                    + closestKnownName(name).map(known -> "; did you mean " + known + "?").orElse(""));
        }
    }

    /** The known name within a few typing mistakes of {@code name}, if there is one. */
    static Optional<String> closestKnownName(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setting setting : Setting.all()) {
            int distance = editDistance(name, setting.variable());
            if (distance < bestDistance) {
                best = setting.variable();
                bestDistance = distance;
            }
        }
        // Every name shares the ORISUN_ prefix, so the allowance scales with the rest of the name.
        int allowance = Math.max(2, (name.length() - "ORISUN_".length()) / 3);
        return bestDistance <= allowance ? Optional.of(best) : Optional.empty();
    }

    /** Edits (insert, delete, replace, swap two neighbours) that turn {@code a} into {@code b}. */
    private static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
