package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table lists exactly the variables the server reads, with their real defaults. */
class ReadmeConfigurationTableTest {

    @Test
    void every_setting_appears_in_the_readme_table_with_its_default() throws Exception {
        String readme = Files.readString(Path.of("../../README.md"));
        for (Setting setting : Setting.all()) {
            String defaultCell = setting.defaultValue().isEmpty() ? "(empty)" : "`" + setting.defaultValue() + "`";
            assertThat(readme).as("README row of %s", setting.variable())
                    .contains("| `" + setting.variable() + "` | " + defaultCell + " |");
        }
    }

    @Test
    void the_readme_table_lists_no_variable_the_server_does_not_read() throws Exception {
        String readme = Files.readString(Path.of("../../README.md"));
        java.util.regex.Matcher rows = java.util.regex.Pattern.compile("(?m)^\\| `(ORISUN_[A-Z0-9_]+)` \\|").matcher(readme);
        java.util.Set<String> known = Setting.all().stream().map(Setting::variable).collect(java.util.stream.Collectors.toSet());
        while (rows.find()) {
            assertThat(known).as("variables the server reads").contains(rows.group(1));
        }
    }
}
