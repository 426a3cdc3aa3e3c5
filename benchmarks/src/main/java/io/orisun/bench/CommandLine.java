package io.orisun.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The command-line frame that the tool's commands share: options given as {@code --name value} or
 * {@code --name=value}, {@code -h} or {@code --help} for the usage, and exit status 64 for a bad command line.
 */
final class CommandLine {

    /** The exit status of a bad command line (BSD's {@code EX_USAGE}). */
    static final int USAGE_ERROR = 64;

    private CommandLine() {
    }

    /** Reads a command's options; empty when the usage was asked for, {@link IllegalArgumentException} when bad. */
    interface Parser<T> {
        Optional<T> parse(String[] args);
    }

    /** Runs a command with its options and returns its exit status. */
    interface Command<T> {
        int run(T options) throws Exception;
    }

    /** Runs {@code command} and exits the JVM with its status when that is not 0. */
    static <T> void main(String[] args, Parser<T> parser, String usage, Command<T> command) throws Exception {
        int status = run(args, parser, usage, command);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Parses {@code args} and runs {@code command} with the options: prints the usage and returns 0 when it was asked
     * for, or prints the problem and the usage and returns {@link #USAGE_ERROR} when the command line is bad.
     */
    static <T> int run(String[] args, Parser<T> parser, String usage, Command<T> command) throws Exception {
        T options;
        try {
            Optional<T> parsed = parser.parse(args);
            if (parsed.isEmpty()) {
                System.out.print(usage);
                return 0;
            }
            options = parsed.get();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(usage);
            return USAGE_ERROR;
        }
        return command.run(options);
    }

    /**
     * The options of {@code args} in order, as name and value; a name in {@code flags} may stand alone, and then has
     * the value {@code "true"}. Empty when {@code -h} or {@code --help} is among them.
     *
     * @throws IllegalArgumentException for an argument that is not an option, or an option without its value
     */
    static Optional<List<Map.Entry<String, String>>> options(String[] args, Set<String> flags) {
        List<Map.Entry<String, String>> options = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                return Optional.empty();
            }
            int equals = arg.indexOf('=');
            if (flags.contains(arg)) {
                options.add(Map.entry(arg, "true"));
            } else if (arg.startsWith("--") && equals > 0) {
                options.add(Map.entry(arg.substring(0, equals), arg.substring(equals + 1)));
            } else if (arg.startsWith("--") && i + 1 < args.length) {
                options.add(Map.entry(arg, args[++i]));
            } else {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
        }
        return Optional.of(options);
    }

    /** The message for an option whose value is not a number or duration. */
    static IllegalArgumentException badValue(Map.Entry<String, String> option, RuntimeException cause) {
        return new IllegalArgumentException(option.getKey() + ": '" + option.getValue()
                + "' is not a valid number or duration", cause);
    }
}
