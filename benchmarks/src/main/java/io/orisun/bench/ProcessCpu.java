package io.orisun.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CPU time of the processes a run exercises, read from {@code /proc}: the server (a JVM started with
 * {@code io.orisun.server.Main}), PostgreSQL (every {@code postgres} process: the postmaster, its backends and
 * background workers), {@code nats-server}, and this tool. Everything on the machine with those names counts, so the
 * figures are meant for a machine that runs one server under test. A process that starts inside a window counts with
 * all its time; one that ends inside it loses the time it used there. Off Linux every figure is empty.
 */
final class ProcessCpu {

    static final List<String> GROUPS = List.of("server", "postgres", "nats", "tool");
    private static final Path PROC = Path.of("/proc");
    private static final long SELF = ProcessHandle.current().pid();
    private static final double MICROS_PER_TICK = 1e6 / clockTicksPerSecond();

    private ProcessCpu() {
    }

    /** The CPU ticks (user and system) of each process of a group, by process id. */
    record Sample(Map<Long, Long> ticks, Map<Long, String> groups) {
        static final Sample EMPTY = new Sample(Map.of(), Map.of());
    }

    /** The CPU microseconds each group used per event between two samples; empty when nothing was sampled. */
    record Use(Map<String, Double> microsPerEvent) {
        static final Use NONE = new Use(Map.of());

        Optional<Double> of(String group) {
            return Optional.ofNullable(microsPerEvent.get(group));
        }

        /** The server's, PostgreSQL's and nats-server's together: what the event store costs, without the client. */
        Optional<Double> store() {
            if (microsPerEvent.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(GROUPS.stream().filter(g -> !g.equals("tool"))
                    .mapToDouble(g -> microsPerEvent.getOrDefault(g, 0.0)).sum());
        }
    }

    /** The current ticks of every process of the groups; {@link Sample#EMPTY} when {@code /proc} cannot be read. */
    static Sample sample() {
        Map<Long, Long> ticks = new HashMap<>();
        Map<Long, String> groups = new HashMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
            for (Path process : processes) {
                long pid = Long.parseLong(process.getFileName().toString());
                try {
                    String stat = Files.readString(process.resolve("stat"), StandardCharsets.UTF_8);
                    Optional<String> group = group(pid, stat, process);
                    if (group.isPresent()) {
                        ticks.put(pid, ticks(stat));
                        groups.put(pid, group.get());
                    }
                } catch (IOException | RuntimeException e) {
                    // The process ended while it was read: it is left out.
                }
            }
        } catch (IOException e) {
            return Sample.EMPTY;
        }
        return new Sample(ticks, groups);
    }

    /** The CPU microseconds per event of each group from {@code start} to {@code end}, over {@code events} events. */
    static Use between(Sample start, Sample end, long events) {
        if (end.ticks().isEmpty() || events <= 0) {
            return Use.NONE;
        }
        Map<String, Long> used = new LinkedHashMap<>();
        GROUPS.forEach(group -> used.put(group, 0L));
        end.ticks().forEach((pid, ticks) -> used.merge(end.groups().get(pid),
                Math.max(0, ticks - start.ticks().getOrDefault(pid, 0L)), Long::sum));
        Map<String, Double> perEvent = new LinkedHashMap<>();
        used.forEach((group, ticks) -> perEvent.put(group, ticks * MICROS_PER_TICK / events));
        return new Use(perEvent);
    }

    private static Optional<String> group(long pid, String stat, Path process) throws IOException {
        if (pid == SELF) {
            return Optional.of("tool");
        }
        String command = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        return switch (command) {
            case "postgres" -> Optional.of("postgres");
            case "nats-server" -> Optional.of("nats");
            case "java" -> new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                    .contains("io.orisun.server.Main") ? Optional.of("server") : Optional.empty();
            default -> Optional.empty();
        };
    }

    /** utime plus stime: fields 14 and 15 of {@code stat}, the 12th and 13th after the command's closing bracket. */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    /** {@code getconf CLK_TCK}, or the 100 that Linux uses nearly everywhere. */
    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
