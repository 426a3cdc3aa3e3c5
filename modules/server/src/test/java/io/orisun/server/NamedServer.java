package io.orisun.server;

import io.orisun.testsupport.RestartablePostgres;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The variables that declare a test PostgreSQL to a node as one named server of {@code ORISUN_PG_SERVERS}. */
final class NamedServer {

    private NamedServer() {
    }

    /**
     * {@code ORISUN_PG_SERVERS=name} and the {@code ORISUN_PG_SERVER_<NAME>_*} connection settings of
     * {@code postgres}, whose database is {@code database}, plus {@code others}; a new map the caller may change.
     */
    static Map<String, String> variables(String name, RestartablePostgres postgres, String database,
                                         Map<String, String> others) {
        String prefix = "ORISUN_PG_SERVER_" + name.toUpperCase(Locale.ROOT) + "_";
        Map<String, String> variables = new HashMap<>(others);
        variables.put("ORISUN_PG_SERVERS", name);
        variables.put(prefix + "HOST", postgres.host());
        variables.put(prefix + "PORT", Integer.toString(postgres.port()));
        variables.put(prefix + "USER", postgres.user());
        variables.put(prefix + "PASSWORD", postgres.password());
        variables.put(prefix + "NAME", database);
        return variables;
    }
}
