package io.orisun.index;

import io.orisun.api.BoundarySpec;
import io.orisun.api.Criterion;
import io.orisun.api.Query;
import io.orisun.api.Tag;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Tells users which criteria run without a usable index. The event log's callers report the shape of every
 * criterion a read or a consistency check ran ({@link #executed(String, List)}: the criterion's tag keys); the
 * advisor counts, per boundary, the shapes that no ready index serves, writes a log line about each such shape at
 * most once a minute, and turns them into suggested index definitions.
 *
 * <p><b>What serves a criterion.</b> A criterion is a conjunction of equalities on {@code data->>'key'} (or on
 * the event type). PostgreSQL can answer it from a btree whose first column is one of those keys as TEXT, so a
 * criterion counts as served when a ready, non-partial index starts with a TEXT field on one of its keys. The
 * event type always counts as served, by the event log's own index. A criterion without tags matches the whole
 * boundary and needs no index.
 *
 * <p><b>Cost.</b> {@link #executed} does no I/O: it sorts the keys, looks them up in an in-memory view of the
 * boundary's ready indexes, and bumps a counter. The view is refreshed in the background when it is older than
 * thirty seconds (indexes created on other nodes appear within that time) and at once after a create or drop
 * through this node's {@link IndexAdmin}. Until the first refresh of a boundary completes, nothing is counted.
 * At most {@value #MAX_SHAPES} shapes are kept per boundary.
 */
public final class IndexAdvisor {

    private static final System.Logger LOG = System.getLogger(IndexAdvisor.class.getName());
    /** The key that stands for the event type in a normalised shape. */
    static final String EVENT_TYPE = "eventType";
    static final int MAX_SHAPES = 256;
    private static final String SUGGESTED_PREFIX = "suggested_";
    private static final long REFRESH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Function<String, List<IndexEntry>> catalog;
    private final LongSupplier clock;
    private final Map<String, BoundaryAdvice> boundaries = new ConcurrentHashMap<>();

    /** An advisor over the indexes of {@code admin}, told of every create and drop made through it. */
    public IndexAdvisor(IndexAdmin admin) {
        this(admin::list, System::nanoTime);
        admin.onChange(this::refresh);
    }

    /**
     * @param catalog the ready and other indexes of a boundary, such as {@link IndexAdmin#list}
     * @param clock   monotonic nanoseconds, such as {@link System#nanoTime()}
     */
    IndexAdvisor(Function<String, List<IndexEntry>> catalog, LongSupplier clock) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Reports every criterion of a query that ran against {@code boundary}. Never blocks, never throws. */
    public void executed(String boundary, Query query) {
        for (Criterion criterion : query.criteria()) {
            executed(boundary, criterion);
        }
    }

    /** Reports a criterion that ran against {@code boundary}. Never blocks, never throws. */
    public void executed(String boundary, Criterion criterion) {
        List<Tag> tags = criterion.tags();
        if (tags.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(tags.size());
        for (Tag tag : tags) {
            keys.add(tag.key());
        }
        executed(boundary, keys);
    }

    /**
     * Reports that a read or a consistency check on {@code boundary} ran a criterion with these tag keys (in any
     * order, repeats allowed). Never blocks, never throws.
     */
    public void executed(String boundary, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        List<String> shape = shape(keys);
        if (shape.contains(EVENT_TYPE)) {
            return;
        }
        BoundaryAdvice advice = boundaries.computeIfAbsent(boundary, b -> new BoundaryAdvice());
        long now = clock.getAsLong();
        Coverage coverage = advice.coverage;
        if (coverage == null || now - coverage.loadedAt() > REFRESH_INTERVAL_NANOS) {
            refreshInBackground(boundary, advice);
        }
        if (coverage == null || coverage.covers(shape)) {
            return;
        }
        ShapeCount count = advice.shapes.get(shape);
        if (count == null) {
            if (advice.shapes.size() >= MAX_SHAPES) {
                return;
            }
            count = advice.shapes.computeIfAbsent(shape, s -> new ShapeCount());
        }
        count.executions.increment();
        if (count.shouldLog(now)) {
            LOG.log(System.Logger.Level.WARNING, "boundary {0}: {1} reads or consistency checks so far ran criteria"
                    + " on {2} without a usable index, scanning the boundary''s events; a TEXT index on {3} would"
                    + " serve them (CreateIndex)", boundary, count.executions.sum(), shape, shape.getFirst());
        }
    }

    /**
     * How many reported executions on {@code boundary} had no usable index at the time, per shape (the sorted,
     * distinct tag keys). The counts only grow; a shape an index serves now keeps its past count.
     */
    public Map<List<String>, Long> unindexedShapes(String boundary) {
        BoundaryAdvice advice = boundaries.get(boundary);
        if (advice == null) {
            return Map.of();
        }
        Map<List<String>, Long> counts = new LinkedHashMap<>();
        advice.shapes.forEach((shape, count) -> counts.put(shape, count.executions.sum()));
        return Map.copyOf(counts);
    }

    /**
     * Suggested indexes for {@code boundary}: one TEXT index per counted shape that none of {@code indexes} serves,
     * most executed first. Their names begin with {@code suggested_}, a prefix that {@link IndexAdmin} reserves.
     */
    public List<IndexDefinition> suggestions(String boundary, Collection<IndexEntry> indexes) {
        BoundaryAdvice advice = boundaries.get(boundary);
        if (advice == null) {
            return List.of();
        }
        Coverage coverage = Coverage.of(indexes, 0);
        Set<String> names = new HashSet<>();
        return advice.shapes.entrySet().stream()
                .filter(e -> !coverage.covers(e.getKey()))
                .sorted(Comparator.comparingLong((Map.Entry<List<String>, ShapeCount> e) -> e.getValue().executions.sum())
                        .reversed())
                .map(e -> suggestion(boundary, e.getKey()))
                .filter(d -> names.add(d.name()))
                .toList();
    }

    /** Whether one of {@code indexes} serves a criterion with these tag keys; see the class description. */
    public static boolean covers(Collection<IndexEntry> indexes, List<String> keys) {
        if (keys.isEmpty()) {
            return true;
        }
        return Coverage.of(indexes, 0).covers(shape(keys));
    }

    /**
     * The index to create for a criterion with these tag keys on {@code boundary}, or empty when one of
     * {@code indexes} serves it already (or it needs none). The suggestion is a TEXT index over the criterion's
     * payload keys, sorted, named {@code suggested_<keys>}.
     */
    public static Optional<IndexDefinition> missingIndexFor(String boundary, List<String> keys,
                                                           Collection<IndexEntry> indexes) {
        if (covers(indexes, keys)) {
            return Optional.empty();
        }
        return Optional.of(suggestion(boundary, shape(keys)));
    }

    /** Reloads the view of {@code boundary}'s ready indexes now; failures are logged and keep the old view. */
    void refresh(String boundary) {
        BoundaryAdvice advice = boundaries.computeIfAbsent(boundary, b -> new BoundaryAdvice());
        try {
            advice.coverage = Coverage.of(catalog.apply(boundary), clock.getAsLong());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "reloading the indexes of boundary " + boundary + " failed", e);
        }
    }

    private void refreshInBackground(String boundary, BoundaryAdvice advice) {
        if (!advice.refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            Thread.ofVirtual().name("index-advisor-" + boundary).start(() -> {
                try {
                    refresh(boundary);
                } finally {
                    advice.refreshing.set(false);
                }
            });
        } catch (RuntimeException e) {
            advice.refreshing.set(false);
            LOG.log(System.Logger.Level.DEBUG, "could not start reloading the indexes of boundary " + boundary, e);
        }
    }

    /** The sorted, distinct keys of a criterion, with both event type keys written as {@value #EVENT_TYPE}. */
    static List<String> shape(List<String> keys) {
        if (keys.size() == 1) {
            String key = keys.getFirst();
            return List.of(Tag.EVENT_TYPE_KEYS.contains(key) ? EVENT_TYPE : key);
        }
        TreeSet<String> sorted = new TreeSet<>();
        for (String key : keys) {
            sorted.add(Tag.EVENT_TYPE_KEYS.contains(key) ? EVENT_TYPE : key);
        }
        return List.copyOf(sorted);
    }

    private static IndexDefinition suggestion(String boundary, List<String> shape) {
        List<IndexField> fields = shape.stream().filter(k -> !EVENT_TYPE.equals(k)).map(IndexField::text).toList();
        return IndexDefinition.of(boundary, suggestedName(boundary, shape), fields.toArray(IndexField[]::new));
    }

    /**
     * {@code suggested_} and the keys joined by {@code _}, with every character an identifier may not hold
     * replaced by {@code _}; shortened, with a hash of the keys to keep it distinct, when it would not fit.
     */
    static String suggestedName(String boundary, List<String> shape) {
        int room = IndexDefinition.MAX_IDENTIFIER_LENGTH - BoundarySpec.requireBoundaryName(boundary).length()
                - "_".length() - "_idx".length();
        StringBuilder name = new StringBuilder(SUGGESTED_PREFIX);
        for (int i = 0; i < shape.size(); i++) {
            if (i > 0) {
                name.append('_');
            }
            shape.get(i).codePoints().forEach(c -> name.append(c < 128 && Character.isLetterOrDigit(c) ? (char) c : '_'));
        }
        if (name.length() <= room) {
            return name.toString();
        }
        String hash = Integer.toHexString(shape.hashCode());
        return name.substring(0, room - hash.length() - 1) + "_" + hash;
    }

    /** The first keys of a boundary's ready, non-partial indexes that start with a TEXT field. */
    private record Coverage(Set<String> leadingKeys, long loadedAt) {

        static Coverage of(Collection<IndexEntry> indexes, long loadedAt) {
            Set<String> keys = new HashSet<>();
            for (IndexEntry entry : indexes) {
                IndexDefinition definition = entry.definition();
                IndexField first = definition.fields().getFirst();
                if (entry.state() == IndexState.READY && !definition.isPartial() && first.valueType() == ValueType.TEXT) {
                    keys.add(first.isEventType() ? EVENT_TYPE : first.jsonKey());
                }
            }
            return new Coverage(Set.copyOf(keys), loadedAt);
        }

        boolean covers(List<String> shape) {
            for (String key : shape) {
                if (EVENT_TYPE.equals(key) || leadingKeys.contains(key)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class BoundaryAdvice {
        final Map<List<String>, ShapeCount> shapes = new ConcurrentHashMap<>();
        final AtomicBoolean refreshing = new AtomicBoolean();
        volatile Coverage coverage;
    }

    private static final class ShapeCount {
        final LongAdder executions = new LongAdder();
        /** When the shape was last logged; {@code Long.MIN_VALUE} for never. */
        final AtomicLong loggedAt = new AtomicLong(Long.MIN_VALUE);

        /** Whether to log now: at most once per interval, decided by whichever caller wins the update. */
        boolean shouldLog(long now) {
            long last = loggedAt.get();
            if (last != Long.MIN_VALUE && now - last < LOG_INTERVAL_NANOS) {
                return false;
            }
            return loggedAt.compareAndSet(last, now);
        }
    }
}
