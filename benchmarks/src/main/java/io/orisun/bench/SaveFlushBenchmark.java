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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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

    private HikariDataSource writes;
    private HikariDataSource reads;
    private PgEventLog log;
    private boolean conditional;
    private Payload payload;

    @Setup(Level.Trial)
    public void openLog() {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        writes = database.pool(2);
        reads = database.pool(2);
        BoundarySchema.apply(reads, BOUNDARY);
        new IndexAdmin(reads, List.of(BOUNDARY))
                .create(IndexDefinition.of(BOUNDARY.name(), "benchmark_context", IndexField.text(CONTEXT_KEY)));
        log = new PgEventLog(writes, reads, List.of(BOUNDARY), GroupCommitSettings.DEFAULTS);
        conditional = condition.equals("conditional");
        payload = new Payload(256);
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
        String context = caller.nextContext();
        AppendCondition appendCondition = conditional
                ? AppendCondition.contextAt(Query.of(Criterion.of(Tag.of(CONTEXT_KEY, context))), Position.NONE)
                : AppendCondition.none();
        return log.save(new SaveRequest(BOUNDARY.name(), appendCondition,
                List.of(new EventToSave(context, Payload.EVENT_TYPE, payload.data(context), Payload.METADATA))));
    }
}
