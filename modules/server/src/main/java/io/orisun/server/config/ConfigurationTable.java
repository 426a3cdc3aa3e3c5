package io.orisun.server.config;

import java.util.stream.Collectors;

/**
 * The reference table of every {@link Setting}: variable, default and meaning, as Markdown. {@code --help} prints
 * it and the operators' configuration page ({@code docs/operators/configuration.md}) carries it verbatim (a test
 * compares the two), so the help and the documentation cannot drift from what {@link OrisunConfig#fromEnv} reads.
 */
public final class ConfigurationTable {

    private ConfigurationTable() {
    }

    /** The table, one row per setting in {@link Setting#all()} order, with a header row; ends with a newline. */
    public static String markdown() {
        return "| variable | default | meaning |\n|---|---|---|\n"
                + Setting.all().stream().map(ConfigurationTable::row).collect(Collectors.joining());
    }

    static String row(Setting setting) {
        String defaultCell = setting.defaultValue().isEmpty() ? "(empty)" : "`" + setting.defaultValue() + "`";
        String meaning = setting.description() + (setting.secret() ? " (secret: never logged)" : "");
        return "| `" + setting.variable() + "` | " + defaultCell + " | " + meaning.replace("|", "\\|") + " |\n";
    }
}
