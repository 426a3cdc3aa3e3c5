package io.orisun.bench;

import java.util.Arrays;

/**
 * The entry point of {@code orisun-benchmarks.jar}: {@code load ...} runs the end-to-end {@link LoadTool} against a
 * running server, {@code jmh ...} runs the JMH benchmarks of this jar with JMH's own command line.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            System.out.println("""
                    usage: java -jar orisun-benchmarks.jar load [options]   end-to-end load against a running server
                           java -jar orisun-benchmarks.jar jmh [JMH options] [benchmark regex]
                    'load --help' lists the load tool's options; 'jmh -h' lists JMH's, 'jmh -l' the benchmarks.""");
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "load" -> LoadTool.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("unknown command '" + args[0] + "': expected 'load' or 'jmh'");
                System.exit(64);
            }
        }
    }
}
