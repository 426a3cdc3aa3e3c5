package io.orisun.server.config;

import java.util.List;

/**
 * The {@code ORISUN_*} environment does not describe a runnable server. The message has one line per problem;
 * each names the variable, its value ({@code ****} for secrets) and what was expected, so that an operator can
 * fix every mistake in one go rather than one restart at a time.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** @param problems one human-readable line per problem; at least one */
    public ConfigException(List<String> problems) {
        super(String.join("\n", requireSome(problems)));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, one line each. */
    public List<String> problems() {
        return problems;
    }

    private static List<String> requireSome(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a configuration exception needs at least one problem");
        }
        return problems;
    }
}
