package io.orisun.server;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The JVM settings that decide how the node behaves in a container, as the JVM resolved them: the heap limit,
 * the garbage collector, the processors it sizes its thread pools for, the memory it sees, and whether the AOT
 * cache was requested and class sharing is active.
 *
 * @param maxHeapBytes     the most heap the JVM will use ({@code -Xmx}, or {@code MaxRAMPercentage} of the memory)
 * @param memoryBytes      the memory the JVM sees: the container's limit when there is one
 * @param garbageCollector the collectors' names, such as {@code Copy, MarkSweepCompact} (Serial) or {@code G1 ...}
 * @param processors       what {@link Runtime#availableProcessors()} reports (the container's CPU limit)
 * @param aotCache         the AOT cache file given with {@code -XX:AOTCache}, if any
 * @param classSharing     whether the JVM runs with class data sharing, which an AOT cache that loaded implies
 * @param javaVersion      the runtime's version
 */
public record JvmSettings(long maxHeapBytes, long memoryBytes, String garbageCollector, int processors,
                   Optional<String> aotCache, boolean classSharing, String javaVersion) {

    /** The settings of this JVM. */
    static JvmSettings current() {
        List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        Optional<String> aot = arguments.stream().filter(a -> a.startsWith("-XX:AOTCache="))
                .map(a -> a.substring("-XX:AOTCache=".length())).reduce((first, last) -> last);
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
        String collectors = String.join(", ", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList());
        boolean sharing = System.getProperty("java.vm.info", "").toLowerCase(Locale.ROOT).contains("sharing");
        return new JvmSettings(Runtime.getRuntime().maxMemory(), memory, collectors,
                Runtime.getRuntime().availableProcessors(), aot, sharing, Runtime.version().toString());
    }

    /** One line for the start-up log. */
    String summary() {
        return "JVM " + javaVersion + ": max heap " + mib(maxHeapBytes) + " of " + (memoryBytes > 0 ? mib(memoryBytes)
                : "unknown") + " memory, GC " + garbageCollector + ", " + processors + " processor(s), AOT cache "
                + aotCache.map(path -> path + (classSharing ? " (in use)" : " (requested but not loaded)")).orElse("off");
    }

    private static String mib(long bytes) {
        return (bytes / (1024 * 1024)) + " MiB";
    }
}
