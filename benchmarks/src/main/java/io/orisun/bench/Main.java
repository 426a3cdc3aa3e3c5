package io.orisun.bench;

import java.util.Arrays;

/**
 * The entry point of {@code orisun-benchmarks.jar}: {@code load ...} runs the end-to-end {@link LoadTool} against a
 * running server, {@code criteria ...} measures a conditional save's latency by number of criteria
 * ({@link CriteriaScaling}) against one, and {@code jmh ...} runs the JMH benchmarks of this jar with JMH's own
 * command line.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            System.out.println("""
                    usage: java -jar orisun-benchmarks.jar load [options]   end-to-end load against a running server
                           java -jar orisun-benchmarks.jar criteria [options]   save latency by number of criteria
                           java -jar orisun-benchmarks.jar jmh [JMH options] [benchmark regex]
                    'load --help' and 'criteria --help' list those tools' options; 'jmh -h' lists JMH's,
                    'jmh -l' the benchmarks.""");
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "load" -> LoadTool.main(rest);
            case "criteria" -> CriteriaScaling.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("unknown command '" + args[0] + "': expected 'load', 'criteria' or 'jmh'");
                System.exit(64);
            }
        }
    }
}
