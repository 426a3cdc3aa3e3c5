package io.orisun.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.orisun.api.BoundarySpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamedServersConfigTest {

    private static final String[] TWO_SERVERS = {"ORISUN_PG_SERVERS", "reports, eu_west",
            "ORISUN_PG_SERVER_REPORTS_HOST", "pg-reports", "ORISUN_PG_SERVER_EU_WEST_HOST", "pg-eu"};

    private static Map<String, String> env(String[] base, String... namesAndValues) {
        Map<String, String> env = new HashMap<>();
        for (String[] pairs : List.of(base, namesAndValues)) {
            for (int i = 0; i < pairs.length; i += 2) {
                env.put(pairs[i], pairs[i + 1]);
            }
        }
        return env;
    }

    private static OrisunConfig config(String[] base, String... namesAndValues) {
        return OrisunConfig.fromEnv(env(base, namesAndValues));
    }

    private static List<String> problems(String[] base, String... namesAndValues) {
        try {
            OrisunConfig config = OrisunConfig.fromEnv(env(base, namesAndValues));
            return fail("expected a ConfigException, got " + config);
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    @Test
    void without_ORISUN_PG_SERVERS_there_is_only_the_default_server_and_every_boundary_is_on_it() {
        OrisunConfig config = OrisunConfig.defaults();

        assertThat(config.servers()).isEmpty();
        assertThat(config.allServers()).containsOnlyKeys(BoundarySpec.DEFAULT_SERVER);
        assertThat(config.boundaries().boundaries()).extracting(BoundarySpec::server)
                .containsOnly(BoundarySpec.DEFAULT_SERVER);
    }

    @Test
    void a_named_server_takes_its_address_from_its_own_variables_and_the_rest_from_the_default_server() {
        OrisunConfig config = config(TWO_SERVERS, "ORISUN_PG_USER", "orisun", "ORISUN_PG_PASSWORD", "default-secret",
                "ORISUN_PG_NAME", "events", "ORISUN_PG_WRITE_MAX_OPEN_CONNS", "17", "ORISUN_PG_PORT", "6000",
                "ORISUN_PG_SERVER_REPORTS_PORT", "5444", "ORISUN_PG_SERVER_REPORTS_PASSWORD", "reports-secret",
                "ORISUN_PG_SERVER_REPORTS_READ_CONN_MAX_LIFETIME", "1h");

        assertThat(config.servers()).containsOnlyKeys("reports", "eu_west");
        assertThat(config.allServers().keySet()).containsExactly("default", "reports", "eu_west");
        PostgresConfig reports = config.servers().get("reports");
        assertThat(reports.host()).contains("pg-reports");
        assertThat(reports.port()).isEqualTo(5444);
        assertThat(reports.directHost()).isEmpty();
        assertThat(reports.directPort()).isEqualTo(5444);
        assertThat(reports.user()).isEqualTo("orisun");
        assertThat(reports.password()).isEqualTo("reports-secret");
        assertThat(reports.database()).isEqualTo("events");
        assertThat(reports.writePool().maxOpen()).isEqualTo(17);
        assertThat(reports.readPool().maxLifetime()).isEqualTo(Duration.ofHours(1));

        PostgresConfig euWest = config.servers().get("eu_west");
        assertThat(euWest.port()).as("PostgreSQL's port, not the default server's").isEqualTo(5432);
        assertThat(euWest.password()).isEqualTo("default-secret");
        assertThat(euWest.toString()).doesNotContain("default-secret");
        assertThat(config.toString()).doesNotContain("reports-secret").doesNotContain("default-secret");
        assertThat(config.summary()).contains("pg-reports:5444").doesNotContain("reports-secret");
    }

    @Test
    void boundaries_are_placed_by_ORISUN_PG_SCHEMAS_or_ORISUN_BOUNDARIES() {
        OrisunConfig bySchemas = config(TWO_SERVERS,
                "ORISUN_PG_SCHEMAS", "orders:sales:reports, payments:pay, orisun_admin:admin:default");
        assertThat(bySchemas.boundaries().boundaries()).containsExactly(
                new BoundarySpec("orders", "sales", "", "reports"), new BoundarySpec("payments", "pay", ""),
                new BoundarySpec("orisun_admin", "admin", ""));

        OrisunConfig byBoth = config(TWO_SERVERS, "ORISUN_PG_SCHEMAS", "orders:sales,audit:audit:eu_west,orisun_admin:admin",
                "ORISUN_BOUNDARIES", "[{\"name\":\"orisun_admin\"},{\"name\":\"orders\",\"server\":\"reports\"},"
                        + "{\"name\":\"audit\",\"description\":\"kept apart\",\"server\":\"eu_west\"}]");
        assertThat(byBoth.boundaries().boundaries()).containsExactly(new BoundarySpec("orisun_admin", "admin", ""),
                new BoundarySpec("orders", "sales", "", "reports"),
                new BoundarySpec("audit", "audit", "kept apart", "eu_west"));
    }

    @Test
    void placements_that_disagree_or_name_an_unknown_server_are_problems_naming_the_setting() {
        assertThat(problems(TWO_SERVERS, "ORISUN_PG_SCHEMAS", "orders:sales:reports,orisun_admin:admin",
                "ORISUN_BOUNDARIES", "[{\"name\":\"orisun_admin\"},{\"name\":\"orders\",\"server\":\"eu_west\"}]"))
                .containsExactly("boundary 'orders' is placed on server 'reports' by ORISUN_PG_SCHEMAS but on 'eu_west'"
                        + " by ORISUN_BOUNDARIES");
        assertThat(problems(TWO_SERVERS, "ORISUN_PG_SCHEMAS", "orders:sales:archive,orisun_admin:admin"))
                .containsExactly("ORISUN_PG_SCHEMAS='orders:sales:archive,orisun_admin:admin' places boundary 'orders'"
                        + " on server 'archive', which is neither 'default' nor listed in ORISUN_PG_SERVERS");
        assertThat(problems(TWO_SERVERS, "ORISUN_PG_SCHEMAS", "orders:sales,orisun_admin:admin",
                "ORISUN_BOUNDARIES", "[{\"name\":\"orisun_admin\"},{\"name\":\"orders\",\"server\":\"archive\"}]"))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("ORISUN_BOUNDARIES=").contains("places boundary 'orders' on server 'archive'");
    }

    @Test
    void the_admin_boundary_stays_on_the_default_server() {
        assertThat(problems(TWO_SERVERS, "ORISUN_PG_SCHEMAS", "orders:sales,orisun_admin:admin:reports"))
                .containsExactly("ORISUN_ADMIN_BOUNDARY='orisun_admin' is placed on server 'reports'; the admin boundary"
                        + " holds the users and the boundary catalog, which stay on the default server");
    }

    @Test
    void a_bad_server_list_is_reported_entry_by_entry() {
        assertThat(problems(new String[0], "ORISUN_PG_SERVERS", "Reports,default,a,a,",
                "ORISUN_PG_SERVER_A_HOST", "pg-a"))
                .containsExactly(
                        "ORISUN_PG_SERVERS='Reports,default,a,a,' has 'Reports', which is not a server name (lower-case"
                                + " letters, digits and '_', starting with a letter, at most 63 characters)",
                        "ORISUN_PG_SERVERS='Reports,default,a,a,' lists 'default', the name of the server the"
                                + " ORISUN_PG_* settings describe; name only further servers",
                        "ORISUN_PG_SERVERS='Reports,default,a,a,' lists server 'a' more than once",
                        "ORISUN_PG_SERVERS='Reports,default,a,a,' has '', which is not a server name (lower-case"
                                + " letters, digits and '_', starting with a letter, at most 63 characters)");
    }

    @Test
    void a_bad_server_declaration_is_reported_with_every_other_problem_naming_its_variable() {
        assertThat(problems(new String[0], "ORISUN_PG_SERVERS", "reports,archive",
                "ORISUN_PG_SERVER_ARCHIVE_HOST", "pg-archive", "ORISUN_PG_SERVER_ARCHIVE_PORT", "99999",
                "ORISUN_PG_SERVER_ARCHIVE_SSLMODE", "sometimes", "ORISUN_PG_SERVER_ARCHIVE_HOSTNAME", "x",
                "ORISUN_PG_SERVER_OTHER_HOST", "pg-other", "ORISUN_LOGGING_LEVEL", "LOUD"))
                .containsExactlyInAnyOrder(
                        "ORISUN_LOGGING_LEVEL='LOUD' is not a log level (TRACE, DEBUG, INFO, WARN or ERROR)",
                        "ORISUN_PG_SERVER_REPORTS_HOST is required: server 'reports' is listed in ORISUN_PG_SERVERS,"
                                + " and a named server is an external PostgreSQL",
                        "ORISUN_PG_SERVER_ARCHIVE_PORT='99999' is not a port (1-65535)",
                        "ORISUN_PG_SERVER_ARCHIVE_SSLMODE='sometimes' is not one of allow, disable, prefer, require,"
                                + " verify-ca, verify-full",
                        "ORISUN_PG_SERVER_ARCHIVE_HOSTNAME is not a server setting; the fields are "
                                + String.join(", ", ServerVariables.fieldNames()),
                        "ORISUN_PG_SERVER_OTHER_HOST is set, but no server it could belong to is listed in"
                                + " ORISUN_PG_SERVERS (reports, archive)");
    }

    @Test
    void a_server_variable_without_any_listed_server_is_a_problem_not_a_warning() {
        assertThat(problems(new String[0], "ORISUN_PG_SERVER_REPORTS_HOST", "pg-reports")).containsExactly(
                "ORISUN_PG_SERVER_REPORTS_HOST is set, but no server it could belong to is listed in ORISUN_PG_SERVERS"
                        + " (which is empty)");
    }

    @Test
    void a_named_server_behind_a_transaction_pooler_needs_its_own_direct_endpoint() {
        assertThat(problems(TWO_SERVERS, "ORISUN_PG_SERVER_REPORTS_POOL_MODE", "transaction")).containsExactly(
                "ORISUN_PG_SERVER_REPORTS_POOL_MODE='transaction' needs ORISUN_PG_SERVER_REPORTS_DIRECT_HOST and/or"
                        + " ORISUN_PG_SERVER_REPORTS_DIRECT_PORT: the address of PostgreSQL itself or of a session-mode"
                        + " pool, for the work that needs a session of its own");

        PostgresConfig reports = config(TWO_SERVERS, "ORISUN_PG_SERVER_REPORTS_POOL_MODE", "transaction",
                "ORISUN_PG_SERVER_REPORTS_PORT", "6432", "ORISUN_PG_SERVER_REPORTS_DIRECT_PORT", "5432")
                .servers().get("reports");
        assertThat(reports.prepareThreshold()).isZero();
        assertThat(reports.separateDirectEndpoint()).isTrue();
        assertThat(reports.directHost()).isEqualTo(Optional.empty());
    }

    @Test
    void an_inherited_value_that_is_bad_is_reported_once_under_the_default_servers_name() {
        assertThat(problems(TWO_SERVERS, "ORISUN_PG_READ_MAX_OPEN_CONNS", "many")).containsExactly(
                "ORISUN_PG_READ_MAX_OPEN_CONNS='many' is not a number of connections (a whole number of at least 1)");
    }
}
