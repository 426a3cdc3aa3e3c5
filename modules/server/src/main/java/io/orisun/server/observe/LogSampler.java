package io.orisun.server.observe;

import io.orisun.server.catalog.BoundaryRegistry;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Position;
import io.orisun.index.IndexAdvisor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import javax.sql.DataSource;

/**
 * The per-boundary gauges that need the database: the log's head and event count, the publisher's checkpoint and
 * how far it is behind the head (events and seconds), and how many events the slowest live catch-up subscription
 * has still to receive. One query per boundary, run before each scrape rather than on a timer, so an idle node
 * costs nothing. Lag counts stop at {@value #MAX_COUNTED} events. When PostgreSQL does not answer the gauges keep
 * their last values.
 */
public final class LogSampler {

    private static final System.Logger LOG = System.getLogger(LogSampler.class.getName());
    static final long MAX_COUNTED = 1_000_000;

    /**
     * Formatted with the event table, the head table and the publisher checkpoint table. Parameters: the slowest
     * subscription's position (twice); the count limit (three times).
     */
    private static final String SAMPLE = """
            SELECT h.transaction_id, h.global_id, h.event_count, p.transaction_id, p.global_id,
                   (SELECT count(*) FROM (SELECT 1 FROM %1$s e
                                           WHERE (e.transaction_id, e.global_id) > (p.transaction_id, p.global_id)
                                           LIMIT ?) AS behind),
                   (SELECT EXTRACT(EPOCH FROM clock_timestamp() - e.date_created)::float8 FROM %1$s e
                     WHERE (e.transaction_id, e.global_id) > (p.transaction_id, p.global_id)
                     ORDER BY e.transaction_id, e.global_id LIMIT 1),
                   (SELECT count(*) FROM (SELECT 1 FROM %1$s e
                                           WHERE (e.transaction_id, e.global_id) > (?, ?)
                                           LIMIT ?) AS unsent)
              FROM %2$s h CROSS JOIN %3$s p""";

    private final Function<BoundarySpec, Optional<DataSource>> admin;
    private final BoundaryRegistry boundaries;
    private final MeterRegistry registry;
    private final IndexAdvisor advisor;
    private final LiveStreams subscriptions;
    private final Map<String, Sample> samples = new ConcurrentHashMap<>();

    /**
     * @param admin the admin pool of the server a boundary is on, or empty while that server is known to be down
     */
    public LogSampler(Function<BoundarySpec, Optional<DataSource>> admin, BoundaryRegistry boundaries,
                      MeterRegistry registry, IndexAdvisor advisor, LiveStreams subscriptions) {
        this.admin = admin;
        this.boundaries = boundaries;
        this.registry = registry;
        this.subscriptions = subscriptions;
        this.advisor = advisor;
    }

    /** Samples every active boundary, registering its gauges on first sight. Never throws. */
    public void refresh() {
        for (BoundarySpec boundary : boundaries.all()) {
            Sample sample = samples.computeIfAbsent(boundary.name(), name -> register(name, boundary.server()));
            try {
                sample(boundary, sample);
            } catch (SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "sampling boundary {0} for metrics failed: {1}", boundary.name(),
                        e.toString());
            }
        }
    }

    private void sample(BoundarySpec boundary, Sample sample) throws SQLException {
        String prefix = BoundarySpec.quote(boundary.schema()) + ".";
        String sql = SAMPLE.formatted(prefix + BoundarySpec.quote(boundary.name() + "_orisun_es_event"),
                prefix + BoundarySpec.quote(boundary.name() + "_orisun_es_head"),
                prefix + BoundarySpec.quote(boundary.name() + "_orisun_last_published_event_position"));
        Optional<Position> slowest = subscriptions.slowestCatchUp(boundary.name());
        Optional<DataSource> source = admin.apply(boundary);
        if (source.isEmpty()) {
            return;
        }
        try (Connection c = source.get().getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setLong(1, MAX_COUNTED);
            statement.setLong(2, slowest.map(Position::transactionId).orElse(Long.MAX_VALUE));
            statement.setLong(3, slowest.map(Position::globalId).orElse(Long.MAX_VALUE));
            statement.setLong(4, MAX_COUNTED);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return;
                }
                sample.headTransaction = row.getLong(1);
                sample.headGlobal = row.getLong(2);
                sample.eventCount = row.getLong(3);
                sample.publishedTransaction = row.getLong(4);
                sample.publishedGlobal = row.getLong(5);
                sample.publisherLagEvents = row.getLong(6);
                double seconds = row.getDouble(7);
                sample.publisherLagSeconds = row.wasNull() ? 0 : Math.max(0, seconds);
                sample.subscriptionLagEvents = slowest.isPresent() ? row.getLong(8) : 0;
            }
        }
    }

    /** What the last {@link #refresh()} saw of {@code boundary}, if it has been sampled. */
    public Optional<BoundaryState> state(String boundary) {
        Sample sample = samples.get(boundary);
        if (sample == null) {
            return Optional.empty();
        }
        return Optional.of(new BoundaryState((long) sample.eventCount,
                new Position((long) sample.headTransaction, (long) sample.headGlobal),
                new Position((long) sample.publishedTransaction, (long) sample.publishedGlobal),
                (long) sample.publisherLagEvents, sample.publisherLagSeconds, subscriptions.activeCatchUps(boundary)));
    }

    /** A boundary as last sampled. */
    public record BoundaryState(long events, Position head, Position published, long publisherLagEvents,
                         double publisherLagSeconds, int subscriptions) {
    }

    private Sample register(String boundary, String server) {
        Sample sample = new Sample();
        List<Tag> tags = List.of(Tag.of("boundary", boundary), Tag.of("server", server));
        gauge("orisun.log.events", "Events in the boundary's log", tags, sample, s -> s.eventCount);
        gauge("orisun.log.head.transaction.id", "Transaction id of the log's newest event", tags, sample,
                s -> s.headTransaction);
        gauge("orisun.log.head.global.id", "Global id of the log's newest event", tags, sample, s -> s.headGlobal);
        gauge("orisun.publisher.position.transaction.id", "Transaction id of the publisher's checkpoint", tags,
                sample, s -> s.publishedTransaction);
        gauge("orisun.publisher.position.global.id", "Global id of the publisher's checkpoint", tags, sample,
                s -> s.publishedGlobal);
        gauge("orisun.publisher.lag.events", "Committed events not yet published to JetStream", tags, sample,
                s -> s.publisherLagEvents);
        Gauge.builder("orisun.publisher.lag", sample, s -> s.publisherLagSeconds).baseUnit("seconds")
                .description("Age of the oldest committed event not yet published (0 when caught up)")
                .tags(tags).register(registry);
        gauge("orisun.subscriptions.lag.events", "Events the slowest live catch-up subscription has still to receive",
                tags, sample, s -> s.subscriptionLagEvents);
        Gauge.builder("orisun.subscriptions.active", subscriptions, s -> s.activeCatchUps(boundary))
                .description("Open catch-up subscription streams").tag("boundary", boundary).register(registry);
        FunctionCounter.builder("orisun.unindexed.executions", advisor,
                        a -> a.unindexedShapes(boundary).values().stream().mapToLong(Long::longValue).sum())
                .description("Reads and consistency checks that ran a criterion no ready index serves")
                .tag("boundary", boundary).register(registry);
        return sample;
    }

    private void gauge(String name, String description, List<Tag> tags, Sample sample,
                       ToDoubleFunction<Sample> value) {
        Gauge.builder(name, sample, value).description(description).tags(tags).register(registry);
    }

    private static final class Sample {
        volatile double eventCount;
        volatile double headTransaction = -1;
        volatile double headGlobal = -1;
        volatile double publishedTransaction = -1;
        volatile double publishedGlobal = -1;
        volatile double publisherLagEvents;
        volatile double publisherLagSeconds;
        volatile double subscriptionLagEvents;
    }
}
