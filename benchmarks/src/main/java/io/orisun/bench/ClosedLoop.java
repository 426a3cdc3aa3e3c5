package io.orisun.bench;

import java.io.Console;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;

/**
 * Runs N clients in a closed loop (each sends its next request when the previous one has answered) for a warm-up
 * ({@link WarmUp}: by default until the rate is steady), then for the measured window, and prints a progress line
 * every second. The CPU that the server, PostgreSQL, nats-server and the tool use in the window is read from
 * {@code /proc} at its start and end ({@link ProcessCpu}). Only calls that complete inside the
 * measured window count. The gRPC scenarios and the JDBC baseline run through the same loop, so that their numbers
 * are taken the same way.
 */
final class ClosedLoop {

    /** One client. Each runs on its own virtual thread, so it may block. */
    interface Client extends AutoCloseable {

        /** Sends one request and returns how many events it wrote or read. */
        int call(long iteration) throws Exception;

        /** Waits, before call {@code iteration} is timed, until the client's schedule allows it; by default not at all. */
        default void pace(long iteration) throws InterruptedException {
        }

        /** Whether a failure is an expected consistency conflict rather than an error. */
        default boolean isConflict(Exception failure) {
            return false;
        }

        /** Releases what the client holds; failures are reported as unchecked exceptions. */
        @Override
        default void close() {
        }
    }

    /** How long a client pauses after an error, so that a dead server is not hammered in a tight loop. */
    private static final long ERROR_PAUSE_MILLIS = 5;
    /** How long the clients get to finish their last call before the run goes on without them. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(35);
    private static final boolean TERMINAL = isTerminal();

    /** Told when the measured window opens and closes, for figures taken outside the loop. */
    interface Window {
        Window NONE = new Window() {
        };

        default void opened() {
        }

        default void closed() {
        }
    }

    private final String label;
    private volatile Tally current = new Tally();
    private volatile boolean stopping;

    private ClosedLoop(String label) {
        this.label = label;
    }

    /**
     * Opens {@code concurrency} clients, warms up, measures for {@code duration}, then closes the clients.
     *
     * <p>Failures of calls are counted, not thrown. A client that cannot be opened ends the run with its
     * (unchecked) exception, after the clients opened so far are closed.
     */
    static Tally.Totals run(String label, int concurrency, WarmUp warmup, Duration duration,
                            IntFunction<? extends Client> clients) throws InterruptedException {
        return run(label, concurrency, warmup, duration, clients, Window.NONE);
    }

    /** As {@link #run(String, int, Duration, Duration, IntFunction)}, telling {@code window} when it opens and closes. */
    static Tally.Totals run(String label, int concurrency, WarmUp warmup, Duration duration,
                            IntFunction<? extends Client> clients, Window window) throws InterruptedException {
        return new ClosedLoop(label).measure(concurrency, warmup, duration, clients, window);
    }

    private Tally.Totals measure(int concurrency, WarmUp warmup, Duration duration,
                                 IntFunction<? extends Client> clients, Window window) throws InterruptedException {
        List<Client> opened = new ArrayList<>(concurrency);
        List<Thread> threads = new ArrayList<>(concurrency);
        try {
            for (int i = 0; i < concurrency; i++) {
                opened.add(clients.apply(i));
            }
            for (int i = 0; i < concurrency; i++) {
                Client client = opened.get(i);
                threads.add(Thread.ofVirtual().name(label + "-" + i).start(() -> loop(client)));
            }
            WarmUp.Outcome warm = warmUp(warmup);
            Tally measured = new Tally();
            current = measured;
            ProcessCpu.Sample cpuAtStart = ProcessCpu.sample();
            window.opened();
            long start = System.nanoTime();
            watch("measure", duration, new ArrayList<>(), rates -> false);
            // Calls completing from here on land in a tally nobody reads.
            current = new Tally();
            ProcessCpu.Sample cpuAtEnd = ProcessCpu.sample();
            window.closed();
            double seconds = (System.nanoTime() - start) / 1e9;
            Tally.Totals totals = measured.totals(seconds);
            endProgress();
            return totals.with(warm, ProcessCpu.between(cpuAtStart, cpuAtEnd, totals.events()));
        } finally {
            stopping = true;
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            for (Thread thread : threads) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    thread.join(Duration.ofNanos(left));
                }
            }
            for (Client client : opened) {
                try {
                    client.close();
                } catch (RuntimeException e) {
                    System.err.println("closing a client of " + label + " failed: " + e);
                }
            }
        }
    }

    private void loop(Client client) {
        long iteration = 0;
        while (!stopping) {
            try {
                client.pace(iteration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long start = System.nanoTime();
            try {
                int events = client.call(iteration++);
                current.success(events, System.nanoTime() - start);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (client.isConflict(e)) {
                    current.conflict(System.nanoTime() - start);
                } else {
                    current.error(e);
                    pauseAfterError();
                }
            }
        }
    }

    private static void pauseAfterError() {
        try {
            Thread.sleep(ERROR_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Warms up: the cold part into a tally of its own, then the rest until the rate is steady or the time is up.
     * The steadiness is judged on the rates of every second of the warm-up, the cold ones included.
     */
    private WarmUp.Outcome warmUp(WarmUp warmUp) throws InterruptedException {
        long start = System.nanoTime();
        List<Double> rates = new ArrayList<>();
        Optional<Tally.Totals> cold = Optional.empty();
        if (warmUp.cold().isPositive()) {
            Tally coldTally = new Tally();
            current = coldTally;
            watch("cold", warmUp.cold(), rates, r -> false);
            current = new Tally();
            cold = Optional.of(coldTally.totals((System.nanoTime() - start) / 1e9));
        }
        boolean steady = warmUp.untilSteady() && WarmUp.isSteady(rates);
        if (!steady) {
            Duration left = warmUp.max().minus(warmUp.cold());
            steady = watch("warmup", left, rates, warmUp.untilSteady() ? WarmUp::isSteady : r -> false)
                    || WarmUp.isSteady(rates);
        }
        return new WarmUp.Outcome((System.nanoTime() - start) / 1e9, steady, cold);
    }

    /**
     * Sleeps through a phase, printing what the current tally did in each second of it and adding that second's
     * event rate to {@code rates}. Ends early, returning true, when {@code done} accepts the rates.
     */
    private boolean watch(String phase, Duration length, List<Double> rates, Predicate<List<Double>> done)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long lastEvents = current.events();
        long lastRequests = current.requests();
        long lastPrint = start;
        Tally tally = current;
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(Math.min(end - now, 1_000_000_000L));
            now = System.nanoTime();
            double seconds = (now - lastPrint) / 1e9;
            long events = tally.events();
            long requests = tally.requests();
            Histogram interval = tally.interval();
            progress(String.format(Locale.ROOT,
                    "%s %-7s %3d/%ds %10.0f ev/s %9.0f req/s  p99 %8.2f ms  conflicts %d  errors %d",
                    label, phase, Math.round((now - start) / 1e9), Math.round(length.toNanos() / 1e9),
                    (events - lastEvents) / seconds, (requests - lastRequests) / seconds,
                    interval.getTotalCount() == 0 ? Double.NaN : interval.getValueAtPercentile(99) / 1000.0,
                    tally.conflicts(), tally.errors()));
            rates.add((events - lastEvents) / seconds);
            lastEvents = events;
            lastRequests = requests;
            lastPrint = now;
            if (done.test(rates)) {
                return true;
            }
        }
        return false;
    }

    /** Prints a progress line: rewritten in place on a terminal, one line per update otherwise. */
    static void progress(String line) {
        if (TERMINAL) {
            System.err.print("\r" + line + "\033[K");
        } else {
            System.err.println(line);
        }
        System.err.flush();
    }

    static void endProgress() {
        if (TERMINAL) {
            System.err.println();
        }
    }

    /**
     * Whether stderr goes to a terminal. From JDK 22 on, {@link System#console()} exists even when output is
     * redirected, and only {@code Console.isTerminal()} (not in the JDK 21 API this compiles against) tells.
     */
    private static boolean isTerminal() {
        Console console = System.console();
        if (console == null || System.getenv("CI") != null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
