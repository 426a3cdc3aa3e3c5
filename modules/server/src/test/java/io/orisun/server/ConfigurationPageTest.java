package io.orisun.server;

import io.orisun.server.config.ConfigurationTable;
import io.orisun.server.config.Setting;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operators' configuration page ({@code docs/operators/configuration.md}) and {@code --help} carry the same
 * table, generated from {@link Setting}: they list exactly the variables the server reads, with their real defaults.
 */
class ConfigurationPageTest {

    private static String page() throws Exception {
        return Files.readString(Path.of("../../docs/operators/configuration.md"));
    }

    @Test
    void the_configuration_page_carries_the_generated_table_verbatim() throws Exception {
        Matcher table = Pattern.compile("(?m)^\\| variable \\| default \\| meaning \\|\\n(?:\\|.*\\n)+").matcher(page());
        assertThat(table.find()).as("the configuration page has a configuration table").isTrue();
        assertThat(table.group())
                .as("configuration page's table; regenerate it with: bin/orisun --help | sed -n '/^| variable/,$p'")
                .isEqualTo(ConfigurationTable.markdown());
    }

    @Test
    void help_prints_the_same_table_with_every_setting_and_its_default() {
        String help = Main.help();
        assertThat(help).contains(ConfigurationTable.markdown()).startsWith(Main.version());
        for (Setting setting : Setting.all()) {
            String defaultCell = setting.defaultValue().isEmpty() ? "(empty)" : "`" + setting.defaultValue() + "`";
            assertThat(help).as("--help row of %s", setting.variable())
                    .contains("| `" + setting.variable() + "` | " + defaultCell + " |");
        }
    }

    @Test
    void the_configuration_page_lists_no_variable_the_server_does_not_read() throws Exception {
        Matcher rows = Pattern.compile("(?m)^\\| `(ORISUN_[A-Z0-9_]+)` \\|").matcher(page());
        java.util.Set<String> known = Setting.all().stream().map(Setting::variable)
                .collect(java.util.stream.Collectors.toSet());
        while (rows.find()) {
            assertThat(known).as("variables the server reads").contains(rows.group(1));
        }
    }
}
