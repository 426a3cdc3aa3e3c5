package io.orisun.server;

import io.orisun.server.config.ConfigException;
import io.orisun.server.config.ConfigurationTable;
import io.orisun.server.config.OrisunConfig;
import io.orisun.server.observe.LogSetup;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Starts an Orisun-J node from the {@code ORISUN_*} environment. Exit codes: 0 after a clean shutdown, 2 for a
 * configuration error, 1 when start-up fails.
 */
public final class Main {

    private Main() {
    }

    /** What {@code --version} prints: version, commit and build time. */
    static String version() {
        BuildInfo build = BuildInfo.current();
        return "orisun-j " + build.version() + " (commit " + build.gitCommit() + ", built " + build.buildTime() + ")";
    }

    /** What {@code --help} prints: the usage and the configuration table. */
    static String help() {
        return version() + "\n\n"
                + "Usage: orisun [--version | --help]\n"
                + "Starts an Orisun-J node configured by ORISUN_* environment variables; an unset or blank variable\n"
                + "takes its default. JAVA_OPTS adds JVM options; ORISUN_AOT=false starts without the AOT cache.\n"
                + "Exit codes: 0 after a clean stop, 1 when start-up fails, 2 for an invalid configuration.\n\n"
                + ConfigurationTable.markdown();
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        }
        List<String> arguments = List.of(args);
        if (arguments.contains("--version")) {
            System.out.println(version());
            return;
        }
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.print(help());
            return;
        }
        OrisunConfig config;
        try {
            config = OrisunConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            System.err.println("Orisun-J cannot start: the configuration is invalid.");
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        LogSetup.apply(config.logging());
        System.Logger log = System.getLogger(Main.class.getName());
        config.warnings().forEach(w -> log.log(System.Logger.Level.WARNING, w));
        log.log(System.Logger.Level.INFO, "Orisun-J {0} starting\n{1}", version().substring("orisun-j ".length()),
                config.summary());
        log.log(System.Logger.Level.INFO, JvmSettings.current().summary());
        OrisunServer server;
        try {
            server = OrisunServer.start(config);
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.ERROR, "Orisun-J failed to start: " + e.getMessage(), e);
            System.exit(1);
            return;
        }
        if (arguments.contains("--train")) {
            // A training run for the runtime image's AOT cache: start, then stop cleanly so the JVM writes it. The
            // first start initialises a new data directory; the second is the warm start users see, which takes
            // other paths (the embedded PostgreSQL's direct start, the schema check without Flyway).
            server.close();
            try {
                OrisunServer.start(config).close();
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.ERROR, "the warm start of the training run failed: " + e.getMessage(), e);
                System.exit(1);
                return;
            }
            System.exit(0);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.log(System.Logger.Level.INFO, "shutting down");
            server.close();
            stopped.countDown();
            log.log(System.Logger.Level.INFO, "stopped");
            // A clean stop on SIGTERM exits 0 rather than the JVM's 143, so supervisors see a normal exit.
            Runtime.getRuntime().halt(0);
        }, "orisun-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
