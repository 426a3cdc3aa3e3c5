package io.orisun.ccc;

import io.orisun.api.AlreadyExists;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Criterion;
import io.orisun.api.Event;
import io.orisun.api.EventLog;
import io.orisun.api.EventToSave;
import io.orisun.api.InvalidRequest;
import io.orisun.api.LatestByCriteria;
import io.orisun.api.LogObserver;
import io.orisun.api.NotFound;
import io.orisun.api.OrisunException;
import io.orisun.api.Position;
import io.orisun.api.ReadRequest;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.api.Unavailable;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The event log of every served boundary, in PostgreSQL.
 *
 * <p><b>Positions.</b> Global ids run 0, 1, 2, ... per boundary with no gaps; all events of one save share
 * {@code transaction_id = (largest global id of the save) + 1}. Writers of a boundary are serialized from position
 * assignment to commit by one advisory lock, across processes, so positions follow commit order and every read
 * sees a gap-free prefix of the log.
 *
 * <p><b>Saves</b> are validated on the caller's thread, then queued to the boundary's group committer, which
 * commits concurrent saves together in one transaction while answering each on its own: accepted,
 * {@link io.orisun.api.ConsistencyViolation} when its condition does not hold, {@link AlreadyExists} when one of
 * its event ids is stored with other content, or a replay ({@link SaveResult#replayed()}) when the whole save is
 * already stored.
 *
 * <p>It does not create tables: {@link BoundarySchema#apply} must have run for every boundary it serves. It does
 * not own the data sources either; the caller closes them after {@link #close()}.
 */
public final class PgEventLog implements EventLog, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PgEventLog.class.getName());

    /** The read budget when none is given: 10 seconds. */
    public static final Duration DEFAULT_READ_BUDGET = Duration.ofSeconds(10);

    /**
     * A condition with more values than this has its context read before the save is queued, outside the writer
     * lock, and is committed in a batch of its own (see V3__linear_check.sql). Small conditions, the common case,
     * are checked under the lock in one shared statement per flush, which costs them no extra round trip.
     */
    static final int READ_AHEAD_VALUES = 8;

    private final DataSource writes;
    private final DataSource reads;
    private final Duration readBudget;
    private final GroupCommitSettings settings;
    private final Map<String, Served> boundaries = new ConcurrentHashMap<>();
    private boolean closed;
    private final LogObserver observer;

    /**
     * @param writes     connections for saves; one is busy per boundary while its batch commits
     * @param reads      connections for reads, count and head
     * @param boundaries the boundaries to serve, each already migrated
     * @param settings   group-commit limits, see {@link GroupCommitSettings#DEFAULTS}
     * @throws AlreadyExists when two specs name the same boundary in different schemas
     */
    public PgEventLog(DataSource writes, DataSource reads, Collection<BoundarySpec> boundaries,
                      GroupCommitSettings settings) {
        this(writes, reads, boundaries, settings, LogObserver.NONE);
    }

    /**
     * As {@link #PgEventLog(DataSource, DataSource, Collection, GroupCommitSettings)}, and tells {@code observer}
     * of every group commit.
     */
    public PgEventLog(DataSource writes, DataSource reads, Collection<BoundarySpec> boundaries,
                      GroupCommitSettings settings, LogObserver observer) {
        this(writes, reads, boundaries, settings, observer, DEFAULT_READ_BUDGET);
    }

    /**
     * As {@link #PgEventLog(DataSource, DataSource, Collection, GroupCommitSettings, LogObserver)}, with
     * {@code readBudget} as the longest any read statement may run before it is cancelled and its caller gets
     * {@link io.orisun.api.BudgetExceeded} (applied in whole seconds, rounded up).
     */
    public PgEventLog(DataSource writes, DataSource reads, Collection<BoundarySpec> boundaries,
                      GroupCommitSettings settings, LogObserver observer, Duration readBudget) {
        this.observer = Objects.requireNonNull(observer, "observer");
        this.writes = Objects.requireNonNull(writes, "writes");
        this.reads = Objects.requireNonNull(reads, "reads");
        this.readBudget = Objects.requireNonNull(readBudget, "readBudget");
        this.settings = Objects.requireNonNull(settings, "settings");
        for (BoundarySpec boundary : boundaries) {
            addBoundary(boundary);
        }
    }

    /**
     * Starts serving a boundary, such as one created at runtime, whose migration has run. Adding a boundary that
     * is already served with the same schema does nothing.
     *
     * @throws AlreadyExists when the boundary is served with a different schema
     * @throws Unavailable   after {@link #close()}
     */
    public void addBoundary(BoundarySpec boundary) {
        addBoundary(boundary, writes, reads);
    }

    /**
     * As {@link #addBoundary(BoundarySpec)}, with the boundary's saves on {@code boundaryWrites} and its reads on
     * {@code boundaryReads} instead of the log's own data sources: for a boundary whose tables live on another
     * PostgreSQL server.
     *
     * @throws AlreadyExists when the boundary is served with a different schema
     * @throws Unavailable   after {@link #close()}
     */
    public synchronized void addBoundary(BoundarySpec boundary, DataSource boundaryWrites, DataSource boundaryReads) {
        Objects.requireNonNull(boundary, "boundary");
        Objects.requireNonNull(boundaryWrites, "boundaryWrites");
        Objects.requireNonNull(boundaryReads, "boundaryReads");
        if (closed) {
            throw new Unavailable("the event log is shutting down");
        }
        Served existing = boundaries.get(boundary.name());
        if (existing != null) {
            if (!existing.tables().spec().schema().equals(boundary.schema())) {
                throw new AlreadyExists("boundary " + boundary.name() + " is already served from schema "
                        + existing.tables().spec().schema() + ", not " + boundary.schema());
            }
            return;
        }
        BoundaryTables tables = BoundaryTables.of(boundary);
        boundaries.put(boundary.name(), new Served(tables, new GroupCommitter(tables, boundaryWrites, settings, observer),
                new LogReader(boundaryReads, readBudget, observer)));
        LOG.log(System.Logger.Level.DEBUG, "serving boundary {0} from schema {1}", boundary.name(), boundary.schema());
    }

    /**
     * Serves {@code boundary}, already served, from other data sources from now on: for a boundary whose log was
     * copied to another PostgreSQL server. Saves and reads that start after this call use {@code boundaryWrites} and
     * {@code boundaryReads}. The old committer is closed in the background: its queued saves fail with
     * {@link Unavailable}, and the batch it is committing gets the old server's answer (which fails once the old copy
     * is retired), so the caller does not wait for it.
     *
     * @throws NotFound      when the boundary is not served
     * @throws AlreadyExists when {@code boundary} names another schema than the one it is served from
     * @throws Unavailable   after {@link #close()}
     */
    public void moveBoundary(BoundarySpec boundary, DataSource boundaryWrites, DataSource boundaryReads) {
        Objects.requireNonNull(boundaryWrites, "boundaryWrites");
        Objects.requireNonNull(boundaryReads, "boundaryReads");
        Served old;
        synchronized (this) {
            if (closed) {
                throw new Unavailable("the event log is shutting down");
            }
            old = served(boundary.name());
            if (!old.tables().spec().schema().equals(boundary.schema())) {
                throw new AlreadyExists("boundary " + boundary.name() + " is served from schema "
                        + old.tables().spec().schema() + ", not " + boundary.schema());
            }
            BoundaryTables tables = BoundaryTables.of(boundary);
            boundaries.put(boundary.name(), new Served(tables,
                    new GroupCommitter(tables, boundaryWrites, settings, observer),
                    new LogReader(boundaryReads, readBudget, observer)));
        }
        Thread.ofVirtual().name("orisun-committer-retire-" + boundary.name()).start(old.committer()::close);
        LOG.log(System.Logger.Level.INFO, "boundary {0} is now saved to and read from its new server",
                boundary.name());
    }

    /**
     * Appends the events atomically if the condition holds. Blocks until the batch holding this save has
     * committed.
     *
     * @throws InvalidRequest                        for a malformed request (an invalid boundary name, data or
     *                                               metadata that is not a JSON object, repeated event ids), or a
     *                                               value the database cannot store
     * @throws NotFound                              for a boundary that is not served
     * @throws io.orisun.api.ConsistencyViolation    when the newest event of the condition's context is not at the
     *                                               expected position
     * @throws AlreadyExists                         when an event id is stored already with different content
     * @throws Unavailable                           when the database cannot be reached or the log is closing
     * @throws io.orisun.api.BudgetExceeded          when the save would keep the boundary's writers waiting past the
     *                                               write budget, or its read-ahead check ran past the read budget
     */
    @Override
    public SaveResult save(SaveRequest request) {
        Served served = served(request.boundary());
        PreparedSave save = prepare(request);
        if (request.condition() instanceof AppendCondition.ContextUnchanged context
                && save.check().orElseThrow().predicate().values().size() > READ_AHEAD_VALUES) {
            save = save.withSeen(served.reader().seen(served.tables(), context.query()));
        }
        return served.committer().submit(save);
    }

    /** Validates a save and translates its condition; runs on the caller's thread, before any queueing. */
    static PreparedSave prepare(SaveRequest request) {
        List<EventToSave> events = request.events();
        Map<String, Integer> indexById = new HashMap<>(events.size() * 2);
        for (int i = 0; i < events.size(); i++) {
            EventToSave event = events.get(i);
            Integer earlier = indexById.putIfAbsent(event.eventId(), i);
            if (earlier != null) {
                throw new InvalidRequest("events[" + i + "].event_id repeats events[" + earlier + "].event_id");
            }
            JsonObjectCheck.requireObject(event.data(), "events[" + i + "].data");
            JsonObjectCheck.requireObject(event.metadata(), "events[" + i + "].metadata");
        }
        Optional<PreparedSave.Check> check = switch (request.condition()) {
            case AppendCondition.Unconditional unconditional -> Optional.empty();
            case AppendCondition.ContextUnchanged context -> Optional.of(new PreparedSave.Check(
                    context.expected(), CriteriaSql.of(context.query(), CriteriaSql.Binding.ROW)));
        };
        return new PreparedSave(events, check);
    }

    /**
     * One page of the boundary's events that match the query, ordered by position in the requested direction.
     *
     * @throws InvalidRequest for an invalid boundary name
     * @throws NotFound       for a boundary that is not served
     * @throws Unavailable    when the database cannot be reached
     */
    @Override
    public List<Event> read(ReadRequest request) {
        Served served = served(request.boundary());
        return served.reader().read(served.tables(), request);
    }

    /**
     * The newest event for each criterion, in request order, and the largest of their positions (or
     * {@link Position#NONE}), all from one statement and so from one snapshot.
     *
     * @throws InvalidRequest without criteria, for a criterion without tags, or an invalid boundary name
     * @throws NotFound       for a boundary that is not served
     */
    @Override
    public LatestByCriteria latest(String boundary, List<Criterion> criteria) {
        Served served = served(boundary);
        if (criteria.isEmpty()) {
            throw new InvalidRequest("at least one criterion is required");
        }
        for (int i = 0; i < criteria.size(); i++) {
            if (criteria.get(i).tags().isEmpty()) {
                throw new InvalidRequest("criteria[" + i + "] needs at least one tag");
            }
        }
        return served.reader().latest(served.tables(), criteria);
    }

    /**
     * The {@code EXPLAIN} text of the statement {@link #read} runs for {@code request}, with the same bind values:
     * for checking that an index serves a query shape.
     */
    public String explainRead(ReadRequest request) {
        Served served = served(request.boundary());
        return served.reader().explainRead(served.tables(), request);
    }

    /**
     * The {@code EXPLAIN} text of the consistency check a conditional save on {@code query} runs, with the values
     * bound as parameters.
     */
    public String explainCheck(String boundary, io.orisun.api.Query query) {
        Served served = served(boundary);
        return served.reader().explainCheck(served.tables(), query);
    }

    /** The exact number of events, from the boundary's head row. */
    @Override
    public long count(String boundary) {
        Served served = served(boundary);
        return served.reader().head(served.tables()).count();
    }

    /** The position of the newest committed event, or {@link Position#NONE} for an empty boundary. */
    @Override
    public Position head(String boundary) {
        Served served = served(boundary);
        return served.reader().head(served.tables()).position();
    }

    /**
     * Stops the group committers: saves still queued, and saves made from now on, fail with {@link Unavailable}
     * ("the event log is shutting down"); batches being committed finish. Reads keep working while the data
     * sources are open.
     */
    @Override
    public void close() {
        List<Served> stopping;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = List.copyOf(boundaries.values());
        }
        for (Served served : stopping) {
            served.committer().close();
        }
    }

    /** How many saves wait in the boundary's queue, not counting the batch being committed. */
    int queued(String boundary) {
        return served(boundary).committer().queued();
    }

    private Served served(String boundary) {
        BoundarySpec.requireBoundaryName(boundary);
        Served served = boundaries.get(boundary);
        if (served == null) {
            throw new NotFound("boundary " + OrisunException.echo(boundary) + " does not exist");
        }
        return served;
    }

    private record Served(BoundaryTables tables, GroupCommitter committer, LogReader reader) {
    }
}
