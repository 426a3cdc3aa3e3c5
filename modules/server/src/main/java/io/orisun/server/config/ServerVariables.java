package io.orisun.server.config;

import io.orisun.api.BoundarySpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The named PostgreSQL servers of {@code ORISUN_PG_SERVERS}, each described by the family of variables
 * {@code ORISUN_PG_SERVER_<NAME>_<FIELD>}, where {@code FIELD} is the suffix of the default server's
 * {@code ORISUN_PG_<FIELD>} setting. A named server is always external, so its host is required; its port defaults
 * to PostgreSQL's, its direct endpoint to its own host and port, and every other field to the default server's
 * value.
 */
final class ServerVariables {

    /** The prefix of every variable of the family. */
    static final String PREFIX = "ORISUN_PG_SERVER_";

    /** PostgreSQL's own port, the port of a named server that does not give one. */
    static final int POSTGRES_PORT = 5432;

    /** Lower-case, so that the upper-cased name in a variable maps back to one server. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /** The fields of a server, each the default server's setting it mirrors. */
    private static final Map<String, Setting> FIELDS = fields();

    /** Fields a named server does not take from the default server: its address is its own. */
    private static final Set<Setting> OWN = Set.of(Setting.PG_HOST, Setting.PG_PORT, Setting.PG_DIRECT_HOST,
            Setting.PG_DIRECT_PORT);

    private ServerVariables() {
    }

    private static Map<String, Setting> fields() {
        List<Setting> mirrored = List.of(Setting.PG_HOST, Setting.PG_PORT, Setting.PG_USER, Setting.PG_PASSWORD,
                Setting.PG_NAME, Setting.PG_SSLMODE, Setting.PG_POOL_MODE, Setting.PG_PREPARE_THRESHOLD,
                Setting.PG_DIRECT_HOST, Setting.PG_DIRECT_PORT,
                Setting.PG_WRITE_MAX_OPEN_CONNS, Setting.PG_WRITE_MAX_IDLE_CONNS, Setting.PG_WRITE_CONN_MAX_IDLE_TIME,
                Setting.PG_WRITE_CONN_MAX_LIFETIME, Setting.PG_READ_MAX_OPEN_CONNS, Setting.PG_READ_MAX_IDLE_CONNS,
                Setting.PG_READ_CONN_MAX_IDLE_TIME, Setting.PG_READ_CONN_MAX_LIFETIME, Setting.PG_ADMIN_MAX_OPEN_CONNS,
                Setting.PG_ADMIN_MAX_IDLE_CONNS, Setting.PG_ADMIN_CONN_MAX_IDLE_TIME,
                Setting.PG_ADMIN_CONN_MAX_LIFETIME);
        Map<String, Setting> fields = new LinkedHashMap<>();
        mirrored.forEach(setting -> fields.put(setting.variable().substring("ORISUN_PG_".length()), setting));
        return Map.copyOf(fields);
    }

    /** The field suffixes a server variable may end in, in name order. */
    static Set<String> fieldNames() {
        return new TreeSet<>(FIELDS.keySet());
    }

    /** The variable of {@code field} (a {@code ORISUN_PG_*} setting) for the server {@code server}. */
    static String variable(String server, Setting field) {
        return PREFIX + server.toUpperCase(Locale.ROOT) + "_" + field.variable().substring("ORISUN_PG_".length());
    }

    /** The names of {@code ORISUN_PG_SERVERS}, in order; a bad name is a problem and left out. */
    static List<String> names(EnvReader in) {
        Setting setting = Setting.PG_SERVERS;
        Optional<String> value = in.optional(setting);
        if (value.isEmpty()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String raw : value.get().split(",", -1)) {
            String name = raw.strip();
            if (!NAME.matcher(name).matches()) {
                in.problem(setting, "has '" + EnvReader.printable(name) + "', which is not a server name (lower-case"
                        + " letters, digits and '_', starting with a letter, at most 63 characters)");
            } else if (name.equals(BoundarySpec.DEFAULT_SERVER)) {
                in.problem(setting, "lists '" + BoundarySpec.DEFAULT_SERVER + "', the name of the server the"
                        + " ORISUN_PG_* settings describe; name only further servers");
            } else if (!names.add(name)) {
                in.problem(setting, "lists server '" + name + "' more than once");
            }
        }
        return List.copyOf(names);
    }

    /**
     * Reads each named server. A problem is recorded in {@code in}, naming the server's variable; a server with a
     * problem is left out of the result.
     *
     * @param in     the reader of the whole environment, whose default server's values are inherited
     * @param env    the environment
     * @param names  the servers of {@code ORISUN_PG_SERVERS}
     * @param listen whether LISTEN/NOTIFY wakes the publishers, as for the default server
     * @return the servers by name, in the order of {@code names}
     */
    static Map<String, PostgresConfig> read(EnvReader in, Map<String, String> env, List<String> names, boolean listen) {
        Map<String, PostgresConfig> servers = new LinkedHashMap<>();
        for (String name : names) {
            readServer(in, env, name, listen).ifPresent(server -> servers.put(name, server));
        }
        checkFamily(in, env, names);
        return servers;
    }

    private static Optional<PostgresConfig> readServer(EnvReader outer, Map<String, String> env, String name,
                                                       boolean listen) {
        // The server's own variables, and for a field it leaves unset the default server's value, under the
        // server's names: one reader with the default server's rules then reads and names them all.
        Map<String, String> own = new HashMap<>();
        for (Setting field : FIELDS.values()) {
            String variable = variable(name, field);
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                own.put(variable, value);
            } else if (!OWN.contains(field) && outer.isSet(field) && !outer.failed(field)) {
                own.put(variable, env.get(field.variable()));
            }
        }
        if (!own.containsKey(variable(name, Setting.PG_PORT))) {
            own.put(variable(name, Setting.PG_PORT), Integer.toString(POSTGRES_PORT));
        }
        EnvReader in = new EnvReader(own, setting -> variable(name, setting));
        Optional<String> host = in.optional(Setting.PG_HOST);
        if (host.isEmpty()) {
            outer.crossProblem(variable(name, Setting.PG_HOST) + " is required: server '" + name + "' is listed in"
                    + " ORISUN_PG_SERVERS, and a named server is an external PostgreSQL");
        }
        int port = in.port(Setting.PG_PORT, false);
        String user = in.text(Setting.PG_USER);
        String password = in.text(Setting.PG_PASSWORD);
        String database = in.identifier(Setting.PG_NAME, "database");
        String sslMode = in.choice(Setting.PG_SSLMODE, List.copyOf(new TreeSet<>(PostgresConfig.SSL_MODES)));
        PostgresConfig.PoolMode poolMode = PostgresConfig.PoolMode.valueOf(
                in.choice(Setting.PG_POOL_MODE, List.of("session", "transaction")).toUpperCase(Locale.ROOT));
        boolean transaction = poolMode == PostgresConfig.PoolMode.TRANSACTION;
        int prepareThreshold = transaction && !in.isSet(Setting.PG_PREPARE_THRESHOLD)
                ? 0 : in.integer(Setting.PG_PREPARE_THRESHOLD, 0, Integer.MAX_VALUE, "a number of executions");
        Optional<String> directHost = in.optional(Setting.PG_DIRECT_HOST);
        int directPort = in.isSet(Setting.PG_DIRECT_PORT) ? in.port(Setting.PG_DIRECT_PORT, false) : port;
        if (transaction && !in.isSet(Setting.PG_DIRECT_HOST) && !in.isSet(Setting.PG_DIRECT_PORT)) {
            in.problem(Setting.PG_POOL_MODE, "needs " + variable(name, Setting.PG_DIRECT_HOST) + " and/or "
                    + variable(name, Setting.PG_DIRECT_PORT) + ": the address of PostgreSQL itself or of a"
                    + " session-mode pool, for the work that needs a session of its own");
        }
        PoolConfig writePool = in.pool(Setting.PG_WRITE_MAX_OPEN_CONNS, Setting.PG_WRITE_MAX_IDLE_CONNS,
                Setting.PG_WRITE_CONN_MAX_IDLE_TIME, Setting.PG_WRITE_CONN_MAX_LIFETIME);
        PoolConfig readPool = in.pool(Setting.PG_READ_MAX_OPEN_CONNS, Setting.PG_READ_MAX_IDLE_CONNS,
                Setting.PG_READ_CONN_MAX_IDLE_TIME, Setting.PG_READ_CONN_MAX_LIFETIME);
        PoolConfig adminPool = in.pool(Setting.PG_ADMIN_MAX_OPEN_CONNS, Setting.PG_ADMIN_MAX_IDLE_CONNS,
                Setting.PG_ADMIN_CONN_MAX_IDLE_TIME, Setting.PG_ADMIN_CONN_MAX_LIFETIME);
        in.problems().forEach(outer::crossProblem);
        if (host.isEmpty() || !in.problems().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PostgresConfig(host, port, user, password, database, sslMode, listen,
                    prepareThreshold, poolMode, directHost, directPort, writePool, readPool, adminPool));
        } catch (IllegalArgumentException e) {
            outer.crossProblem("PostgreSQL server '" + name + "' (" + PREFIX + name.toUpperCase(Locale.ROOT)
                    + "_*) is not valid: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Every {@code ORISUN_PG_SERVER_*} variable must belong to a listed server and name one of its fields: a
     * misspelt or forgotten name would otherwise leave a server silently on the defaults.
     */
    private static void checkFamily(EnvReader in, Map<String, String> env, List<String> names) {
        for (String variable : new TreeSet<>(env.keySet())) {
            if (!variable.startsWith(PREFIX)) {
                continue;
            }
            String rest = variable.substring(PREFIX.length());
            List<String> owners = names.stream().map(n -> n.toUpperCase(Locale.ROOT) + "_")
                    .filter(rest::startsWith).toList();
            if (owners.stream().anyMatch(owner -> FIELDS.containsKey(rest.substring(owner.length())))) {
                continue;
            }
            if (owners.isEmpty()) {
                in.crossProblem(variable + " is set, but no server it could belong to is listed in ORISUN_PG_SERVERS"
                        + (names.isEmpty() ? " (which is empty)" : " (" + String.join(", ", names) + ")"));
            } else {
                in.crossProblem(variable + " is not a server setting; the fields are " + String.join(", ",
                        fieldNames()));
            }
        }
    }
}
