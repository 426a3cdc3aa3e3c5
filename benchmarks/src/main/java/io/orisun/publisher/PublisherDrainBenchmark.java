package io.orisun.publisher;

import com.zaxxer.hikari.HikariDataSource;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.EventToSave;
import io.orisun.api.LogObserver;
import io.orisun.api.SaveRequest;
import io.orisun.ccc.BoundarySchema;
import io.orisun.ccc.GroupCommitSettings;
import io.orisun.ccc.PgEventLog;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.PostgresFixture;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long does the publisher take to drain a backlog of 10,000 committed events from PostgreSQL into JetStream:
 * read a batch from the log, publish every event with its chained message id and wait for the acks, advance the
 * checkpoint, and again until the checkpoint reaches the head? Each invocation gives the real {@link PublisherLoop}
 * a boundary of its own, filled beforehand (not timed) with events of about 256 bytes, on a real PostgreSQL 17 (the
 * test fixture's) and a real nats-server with a file-backed stream; it ends when the checkpoint row holds the
 * newest position. Divide the events by the time for events/s. {@code batchSize} is the publisher's
 * {@code ORISUN_PUBLISHER_BATCH_SIZE}. The class sits in the publisher's package because the loop is internal to it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class PublisherDrainBenchmark {

    private static final int EVENTS = 10_000;
    private static final int EVENTS_PER_SAVE = 100;
    private static final StreamSettings STREAM = new StreamSettings(Duration.ofHours(1), -1, -1, 1);

    @Param({"100", "500"})
    public int batchSize;

    private PostgresFixture.Database database;
    private HikariDataSource writes;
    private HikariDataSource reads;
    private PgEventLog log;
    private NatsFixture natsServer;
    private Connection nats;
    private int boundaries;
    private BoundarySpec boundary;
    private PublisherLoop loop;

    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
        database = PostgresFixture.shared().newDatabase();
        writes = database.pool(2);
        reads = database.pool(4);
        log = new PgEventLog(writes, reads, List.of(), GroupCommitSettings.DEFAULTS);
        natsServer = NatsFixture.start();
        nats = Nats.connect(natsServer.url());
    }

    /** A new boundary holding {@link #EVENTS} events, and a publisher for it that has not started. */
    @Setup(Level.Invocation)
    public void fillBoundary() {
        boundary = new BoundarySpec("drain_" + boundaries++, "public", "publisher drain benchmark");
        BoundarySchema.apply(reads, boundary);
        log.addBoundary(boundary);
        String pad = "x".repeat(200);
        for (int saved = 0; saved < EVENTS; saved += EVENTS_PER_SAVE) {
            List<EventToSave> events = new ArrayList<>(EVENTS_PER_SAVE);
            for (int i = saved; i < saved + EVENTS_PER_SAVE; i++) {
                events.add(new EventToSave(boundary.name() + "-" + i, "BenchmarkEvent",
                        "{\"benchmark_context\":\"ctx-" + (i % 100) + "\",\"pad\":\"" + pad + "\"}", "{}"));
            }
            log.save(new SaveRequest(boundary.name(), AppendCondition.none(), events));
        }
        PublisherSettings settings = PublisherSettings.of("bench", batchSize, true, Duration.ofSeconds(5), STREAM);
        loop = new PublisherLoop(boundary, nats, log, database::connect, settings, LogObserver.NONE,
                new LeaseSpread(() -> 1, settings.leaseRetry()), EventMac.of(new byte[EventMac.MIN_KEY_BYTES]));
    }

    @Benchmark
    public long drain() throws SQLException {
        loop.start();
        String sql = "SELECT global_id FROM public.\"" + boundary.name() + "_orisun_last_published_event_position\"";
        try (java.sql.Connection connection = database.connect();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            while (true) {
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    long published = row.getLong(1);
                    if (published == EVENTS - 1) {
                        return published;
                    }
                }
                LockSupport.parkNanos(200_000);
            }
        }
    }

    @TearDown(Level.Invocation)
    public void stopPublisher() {
        loop.stop();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        nats.close();
        natsServer.close();
        log.close();
        writes.close();
        reads.close();
    }
}
