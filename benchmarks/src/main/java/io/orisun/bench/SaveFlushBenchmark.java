package io.orisun.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Criterion;
import io.orisun.api.EventToSave;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.api.Tag;
import io.orisun.ccc.BoundarySchema;
import io.orisun.ccc.GroupCommitSettings;
import io.orisun.ccc.PgEventLog;
import io.orisun.index.IndexAdmin;
import io.orisun.index.IndexDefinition;
import io.orisun.index.IndexField;
import io.orisun.testsupport.PostgresFixture;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How many one-event saves per second does the group commit of {@link PgEventLog} sustain, and how long does each
 * wait, when 1, 16, 128 or 512 callers save at once? Every caller saves in a closed loop, so the flusher finds about
 * as many saves queued as there are callers, and each flush commits a batch of that size in one transaction against
 * a real PostgreSQL 17 (the test fixture's, fsync on). With {@code condition=conditional} every save also runs the
 * consistency check on a context of its own (expected {@code {-1,-1}}, through a TEXT index on the key), so the
 * difference between the two is the check's cost inside a flush. The thread count is fixed per method because JMH
 * cannot take it as a parameter; read throughput as saves/s and, with {@code -bm avgt}, time per save.
 *
 * <p>{@code plans=custom} takes back the setting of migration V4 (the save function's statements planned once per
 * session), so that {@code -p plans=generic,custom} compares the two in one run. After each iteration the CPU per
 * save of this process and of the PostgreSQL server (all its processes) is printed: with fsync on, most of a
 * flush's time is the WAL flush, and the CPU shows what the function itself costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SaveFlushBenchmark {

    private static final BoundarySpec BOUNDARY = new BoundarySpec("bench", "public", "save flush benchmark");
    private static final String CONTEXT_KEY = "benchmark_context";

    @Param({"unconditional", "conditional"})
    public String condition;

    @Param({"generic"})
    public String plans;

    private HikariDataSource writes;
    private HikariDataSource reads;
    private PgEventLog log;
    private boolean conditional;
    private Payload payload;
    private Path postmasterPid;
    private final AtomicLong saves = new AtomicLong();
    private long jvmCpuBefore;
    private long postgresTicksBefore;

    @Setup(Level.Trial)
    public void openLog() {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        writes = database.pool(2);
        reads = database.pool(2);
        BoundarySchema.apply(reads, BOUNDARY);
        try (Connection connection = reads.getConnection(); Statement statement = connection.createStatement()) {
            if (plans.equals("custom")) {
                statement.execute("ALTER FUNCTION public.bench_orisun_save_batch RESET plan_cache_mode");
            }
            try (ResultSet row = statement.executeQuery("SHOW data_directory")) {
                row.next();
                postmasterPid = Path.of(row.getString(1), "postmaster.pid");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        new IndexAdmin(reads, List.of(BOUNDARY))
                .create(IndexDefinition.of(BOUNDARY.name(), "benchmark_context", IndexField.text(CONTEXT_KEY)));
        log = new PgEventLog(writes, reads, List.of(BOUNDARY), GroupCommitSettings.DEFAULTS);
        conditional = condition.equals("conditional");
        payload = new Payload(256);
    }

    @Setup(Level.Iteration)
    public void sampleCpu() {
        saves.set(0);
        jvmCpuBefore = jvmCpuNanos();
        postgresTicksBefore = postgresTicks();
    }

    @TearDown(Level.Iteration)
    public void printCpu() {
        long n = Math.max(1, saves.get());
        System.out.printf("%n  CPU per save: this process %.1f us, PostgreSQL %.1f us%n",
                (jvmCpuNanos() - jvmCpuBefore) / 1e3 / n, (postgresTicks() - postgresTicksBefore) * 1e4 / n);
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The user and system ticks (1/100 s) of the postmaster and its children, from /proc; 0 off Linux. */
    private long postgresTicks() {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(postmasterPid).getFirst().trim());
            long ticks = 0;
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path process : processes) {
                    try {
                        String stat = Files.readString(process.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long pid = Long.parseLong(process.getFileName().toString());
                        if (pid == postmaster || Long.parseLong(fields[1]) == postmaster) {
                            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                        }
                    } catch (IOException | RuntimeException e) {
                        // The process ended while it was read.
                    }
                }
            }
            return ticks;
        } catch (IOException e) {
            return 0;
        }
    }

    @TearDown(Level.Trial)
    public void closeLog() {
        log.close();
        writes.close();
        reads.close();
    }

    /** One caller's ids and contexts, unique across threads, iterations and forks. */
    @State(Scope.Thread)
    public static class Caller {
        private final String prefix = UUID.randomUUID() + "-";
        private long next;

        String nextContext() {
            return prefix + next++;
        }
    }

    @Benchmark
    @Threads(1)
    public SaveResult callers_1(Caller caller) {
        return save(caller);
    }

    @Benchmark
    @Threads(16)
    public SaveResult callers_16(Caller caller) {
        return save(caller);
    }

    @Benchmark
    @Threads(128)
    public SaveResult callers_128(Caller caller) {
        return save(caller);
    }

    @Benchmark
    @Threads(512)
    public SaveResult callers_512(Caller caller) {
        return save(caller);
    }

    private SaveResult save(Caller caller) {
        saves.incrementAndGet();
        String context = caller.nextContext();
        AppendCondition appendCondition = conditional
                ? AppendCondition.contextAt(Query.of(Criterion.of(Tag.of(CONTEXT_KEY, context))), Position.NONE)
                : AppendCondition.none();
        return log.save(new SaveRequest(BOUNDARY.name(), appendCondition,
                List.of(new EventToSave(context, Payload.EVENT_TYPE, payload.data(context), Payload.METADATA))));
    }
}
