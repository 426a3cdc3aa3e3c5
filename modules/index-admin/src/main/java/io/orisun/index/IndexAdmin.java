package io.orisun.index;

import io.orisun.api.AdvisoryLock;
import io.orisun.api.AlreadyExists;
import io.orisun.api.BoundarySpec;
import io.orisun.api.FailedPrecondition;
import io.orisun.api.InvalidRequest;
import io.orisun.api.NotFound;
import io.orisun.api.OrisunException;
import io.orisun.api.SqlCondition;
import io.orisun.api.Unavailable;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Creates, lists and drops the payload indexes of the boundaries it serves, and keeps their state in a catalog
 * table per boundary ({@code "<boundary>_orisun_index"}, created on first use).
 *
 * <p><b>Building.</b> {@link #create} runs {@code CREATE INDEX CONCURRENTLY} on a connection of its own in
 * autocommit mode, so saves and reads go on while the index builds, and returns once the index is
 * {@link IndexState#READY} (or has failed). The catalog says {@link IndexState#BUILDING} meanwhile. A build that
 * fails, for example a NUMERIC field over a value that is not a number, leaves no invalid index behind: the index
 * is dropped, the catalog records {@link IndexState#FAILED} with the reason, and the caller gets
 * {@link FailedPrecondition} with the same reason.
 *
 * <p><b>Concurrency.</b> Every change to one index holds a session advisory lock keyed by the boundary and the
 * index name, across nodes: a second create or drop of the same name waits for the first to finish. A build whose
 * node stopped half-way is reported as failed, and the next create of the name removes its remains.
 *
 * <p><b>Ownership.</b> Only indexes recorded in the catalog are ever dropped. A name that another object of the
 * schema holds already (such as an index of another boundary sharing the schema) is refused with
 * {@link AlreadyExists}, and names beginning with {@code orisun_} (the event log's own objects) or
 * {@code suggested_} (advice from {@link IndexAdvisor}) are reserved.
 *
 * <p>Thread-safe. It does not own the data source; it holds one of its connections per call in progress, for the
 * whole build in the case of {@link #create}.
 */
public final class IndexAdmin {

    private static final System.Logger LOG = System.getLogger(IndexAdmin.class.getName());
    private static final List<String> RESERVED_PREFIXES = List.of("orisun_", "suggested_");
    private static final String INTERRUPTED = "the build was interrupted before it finished (the node running it"
            + " stopped or lost its database connection); create the index again to rebuild it";

    private final DataSource dataSource;
    private final Map<String, BoundaryObjects> boundaries = new ConcurrentHashMap<>();
    private final Map<String, DataSource> dataSources = new ConcurrentHashMap<>();
    private final Set<String> catalogsReady = ConcurrentHashMap.newKeySet();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param dataSource connections with the right to create indexes on the boundaries' event tables and tables in
     *                   their schemas; they must not sit in an open transaction when handed out
     * @param boundaries the boundaries to serve; their event tables must exist before indexes are created
     * @throws AlreadyExists when two specs name the same boundary in different schemas
     */
    public IndexAdmin(DataSource dataSource, Collection<BoundarySpec> boundaries) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        boundaries.forEach(this::addBoundary);
    }

    /**
     * Starts serving a boundary, such as one created at runtime. Adding a boundary already served from the same
     * schema does nothing.
     *
     * @throws AlreadyExists when the boundary is served from a different schema
     */
    public void addBoundary(BoundarySpec boundary) {
        addBoundary(boundary, dataSource);
    }

    /**
     * As {@link #addBoundary(BoundarySpec)}, with the boundary's indexes built and listed through
     * {@code boundaryDataSource} instead of this object's own: for a boundary whose tables live on another
     * PostgreSQL server.
     *
     * @throws AlreadyExists when the boundary is served from a different schema
     */
    public void addBoundary(BoundarySpec boundary, DataSource boundaryDataSource) {
        Objects.requireNonNull(boundaryDataSource, "boundaryDataSource");
        BoundaryObjects objects = BoundaryObjects.of(Objects.requireNonNull(boundary, "boundary"));
        BoundaryObjects existing = boundaries.putIfAbsent(boundary.name(), objects);
        if (existing != null && !existing.spec().schema().equals(boundary.schema())) {
            throw new AlreadyExists("boundary " + boundary.name() + " is already served from schema "
                    + existing.spec().schema() + ", not " + boundary.schema());
        }
        dataSources.putIfAbsent(boundary.name(), boundaryDataSource);
    }

    /**
     * Builds and lists the indexes of {@code boundary}, already served, through {@code boundaryDataSource} from now
     * on: for a boundary whose log was copied to another PostgreSQL server. Indexes are not copied with the log;
     * those wanted on the new server are created again there.
     *
     * @throws NotFound      when the boundary is not served
     * @throws AlreadyExists when {@code boundary} names another schema than the one it is served from
     */
    public void moveBoundary(BoundarySpec boundary, DataSource boundaryDataSource) {
        Objects.requireNonNull(boundaryDataSource, "boundaryDataSource");
        BoundaryObjects existing = boundaries.get(boundary.name());
        if (existing == null) {
            throw new NotFound("boundary " + boundary.name() + " is not served");
        }
        if (!existing.spec().schema().equals(boundary.schema())) {
            throw new AlreadyExists("boundary " + boundary.name() + " is served from schema "
                    + existing.spec().schema() + ", not " + boundary.schema());
        }
        dataSources.put(boundary.name(), boundaryDataSource);
        // The index catalog is created on the new server by the next statement that needs it.
        catalogsReady.remove(boundary.name());
    }

    /**
     * Creates the index and waits until it is ready. Creating an index that exists with the same definition does
     * nothing; one that failed or whose build was interrupted is built again, with whichever definition is given.
     *
     * @return the ready index
     * @throws InvalidRequest      for a reserved name
     * @throws NotFound            for a boundary that is not served
     * @throws AlreadyExists       when the name is taken by an index with another definition, or by another object
     *                             of the schema
     * @throws FailedPrecondition  when the build fails (the reason says why; no index is left behind), or the
     *                             boundary's tables are missing
     * @throws Unavailable         when the database cannot be reached
     */
    public IndexEntry create(IndexDefinition definition) {
        Objects.requireNonNull(definition, "definition");
        BoundaryObjects objects = served(definition.boundary());
        String lowerName = definition.name().toLowerCase(Locale.ROOT);
        for (String prefix : RESERVED_PREFIXES) {
            if (lowerName.startsWith(prefix)) {
                throw new InvalidRequest("index names beginning with " + prefix + " are reserved");
            }
        }
        IndexEntry created;
        try (Locked locked = openLocked(objects, objects.lockName(definition.name()))) {
            created = createLocked(locked.connection(), objects, definition);
        } catch (SQLException e) {
            throw translate(e, "creating index " + definition.name() + " of", objects);
        }
        notifyChanged(definition.boundary());
        return created;
    }

    /**
     * Drops the index and forgets it. Dropping an index that does not exist does nothing. Waits for a build of the
     * same name in progress to finish first.
     *
     * @throws InvalidRequest for an invalid index name
     * @throws NotFound       for a boundary that is not served
     * @throws Unavailable    when the database cannot be reached
     */
    public void drop(String boundary, String name) {
        BoundaryObjects objects = served(boundary);
        BoundarySpec.requireIdentifier("index", name);
        boolean dropped;
        try (Locked locked = openLocked(objects, objects.lockName(name))) {
            dropped = dropLocked(locked.connection(), objects, name);
        } catch (SQLException e) {
            throw translate(e, "dropping index " + name + " of", objects);
        }
        if (dropped) {
            LOG.log(System.Logger.Level.INFO, "index {0} of boundary {1} dropped", name, boundary);
            notifyChanged(boundary);
        }
    }

    /**
     * The boundary's indexes, by name.
     *
     * @throws NotFound    for a boundary that is not served
     * @throws Unavailable when the database cannot be reached
     */
    public List<IndexEntry> list(String boundary) {
        BoundaryObjects objects = served(boundary);
        try (Connection connection = open(objects);
             PreparedStatement statement = connection.prepareStatement(
                     IndexStatements.SELECT_ALL.formatted(objects.catalog()));
             ResultSet rows = statement.executeQuery()) {
            List<IndexEntry> entries = new ArrayList<>();
            while (rows.next()) {
                Optional<IndexEntry> entry = entry(rows, objects);
                if (entry.isPresent()) {
                    entries.add(withLiveState(connection, objects, entry.get()));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw translate(e, "listing the indexes of", objects);
        }
    }

    /**
     * One index of the boundary.
     *
     * @throws InvalidRequest for an invalid index name
     * @throws NotFound       for a boundary that is not served, or an index it does not have
     * @throws Unavailable    when the database cannot be reached
     */
    public IndexEntry get(String boundary, String name) {
        BoundaryObjects objects = served(boundary);
        BoundarySpec.requireIdentifier("index", name);
        try (Connection connection = open(objects)) {
            Optional<IndexEntry> entry = select(connection, objects, name);
            if (entry.isEmpty()) {
                throw new NotFound("index " + OrisunException.echo(name) + " does not exist in boundary " + boundary);
            }
            return withLiveState(connection, objects, entry.get());
        } catch (SQLException e) {
            throw translate(e, "reading index " + name + " of", objects);
        }
    }

    /** Calls {@code listener} with the boundary's name after each create or drop made through this instance. */
    void onChange(Consumer<String> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private IndexEntry createLocked(Connection connection, BoundaryObjects objects, IndexDefinition definition)
            throws SQLException {
        Optional<IndexEntry> existing = select(connection, objects, definition.name());
        Physical physical = physical(connection, objects, definition.physicalName());
        if (physical == Physical.FOREIGN) {
            throw new AlreadyExists("index name " + definition.name() + " is not available in boundary "
                    + objects.boundary() + ": schema " + objects.spec().schema() + " already holds an object named "
                    + definition.physicalName());
        }
        if (existing.isPresent()) {
            IndexEntry entry = existing.get();
            if (entry.state() == IndexState.READY) {
                if (!entry.definition().equals(definition)) {
                    throw new AlreadyExists("index " + definition.name() + " already exists in boundary "
                            + objects.boundary() + " with a different definition; drop it first to change it");
                }
                if (physical == Physical.VALID) {
                    return entry;
                }
                LOG.log(System.Logger.Level.WARNING, "index {0} of boundary {1} is recorded as ready but {2};"
                        + " building it again", definition.name(), objects.boundary(),
                        physical == Physical.ABSENT ? "does not exist" : "is invalid");
            }
            // Under the lock, BUILDING means the builder stopped half-way; its index, valid or not, may not match.
            if (physical != Physical.ABSENT) {
                execute(connection, IndexDdl.drop(definition.physicalName(), objects));
            }
        } else if (physical != Physical.ABSENT) {
            throw new AlreadyExists("index name " + definition.name() + " is not available in boundary "
                    + objects.boundary() + ": an index " + definition.physicalName() + " exists that this boundary's"
                    + " catalog does not record");
        }
        recordBuilding(connection, objects, definition);
        long started = System.nanoTime();
        try {
            execute(connection, IndexDdl.create(definition, objects));
        } catch (SQLException e) {
            OrisunException failure = buildFailure(e, definition);
            recordFailure(connection, objects, definition, failure.getMessage());
            throw failure;
        }
        try {
            execute(connection, IndexDdl.analyze(objects));
        } catch (SQLException e) {
            // Statistics only help the planner estimate; autovacuum gathers them later anyway.
            LOG.log(System.Logger.Level.WARNING, "analyzing boundary " + objects.boundary() + " after building index "
                    + definition.name() + " failed (SQLSTATE " + e.getSQLState() + ")", e);
        }
        setState(connection, objects, definition.name(), IndexState.READY, Optional.empty());
        LOG.log(System.Logger.Level.INFO, "index {0} of boundary {1} built in {2,number,#} ms", definition.name(),
                objects.boundary(), (System.nanoTime() - started) / 1_000_000);
        return new IndexEntry(definition, IndexState.READY, Optional.empty());
    }

    private boolean dropLocked(Connection connection, BoundaryObjects objects, String name) throws SQLException {
        Optional<String> physicalName;
        try (PreparedStatement statement = connection.prepareStatement(
                IndexStatements.SELECT_PHYSICAL_NAME.formatted(objects.catalog()))) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                physicalName = row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
        if (physicalName.isEmpty()) {
            return false;
        }
        Physical physical = physical(connection, objects, physicalName.get());
        if (physical == Physical.VALID || physical == Physical.INVALID) {
            execute(connection, IndexDdl.drop(physicalName.get(), objects));
        }
        try (PreparedStatement statement = connection.prepareStatement(
                IndexStatements.DELETE.formatted(objects.catalog()))) {
            statement.setString(1, name);
            statement.executeUpdate();
        }
        return true;
    }

    /**
     * Removes what a failed build left (PostgreSQL keeps the invalid index of a failed concurrent build) and
     * records the failure. If that fails too, the catalog keeps saying BUILDING, which readers then report as an
     * interrupted build, and the next create cleans up.
     */
    private void recordFailure(Connection connection, BoundaryObjects objects, IndexDefinition definition,
                               String failure) {
        try {
            execute(connection, IndexDdl.drop(definition.physicalName(), objects));
            setState(connection, objects, definition.name(), IndexState.FAILED, Optional.of(failure));
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "cleaning up after the failed build of index " + definition.name()
                    + " of boundary " + objects.boundary() + " failed (SQLSTATE " + e.getSQLState() + ")", e);
        }
        LOG.log(System.Logger.Level.WARNING, failure);
    }

    /** A BUILDING entry whose builder no longer holds the lock is reported as failed. */
    private IndexEntry withLiveState(Connection connection, BoundaryObjects objects, IndexEntry entry)
            throws SQLException {
        if (entry.state() != IndexState.BUILDING) {
            return entry;
        }
        Optional<AdvisoryLock> free = AdvisoryLock.tryAcquire(connection, objects.lockName(entry.name()));
        if (free.isEmpty()) {
            return entry;
        }
        free.get().close();
        return new IndexEntry(entry.definition(), IndexState.FAILED, Optional.of(INTERRUPTED));
    }

    private void recordBuilding(Connection connection, BoundaryObjects objects, IndexDefinition definition)
            throws SQLException {
        List<IndexField> fields = definition.fields();
        List<IndexCondition> conditions = definition.conditions();
        try (PreparedStatement statement = connection.prepareStatement(
                IndexStatements.UPSERT_BUILDING.formatted(objects.catalog()))) {
            statement.setString(1, definition.name());
            statement.setString(2, definition.physicalName());
            statement.setArray(3, texts(connection, fields.stream().map(IndexField::jsonKey)));
            statement.setArray(4, texts(connection, fields.stream().map(f -> f.valueType().name())));
            statement.setArray(5, texts(connection, conditions.stream().map(IndexCondition::key)));
            statement.setArray(6, texts(connection, conditions.stream().map(c -> c.operator().symbol())));
            statement.setArray(7, texts(connection, conditions.stream().map(IndexCondition::value)));
            statement.setString(8, definition.combinator().name());
            statement.setString(9, IndexState.BUILDING.name());
            statement.executeUpdate();
        }
    }

    private static Array texts(Connection connection, java.util.stream.Stream<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray(String[]::new));
    }

    private void setState(Connection connection, BoundaryObjects objects, String name, IndexState state,
                          Optional<String> error) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                IndexStatements.SET_STATE.formatted(objects.catalog()))) {
            statement.setString(1, state.name());
            statement.setString(2, error.orElse(null));
            statement.setString(3, name);
            statement.executeUpdate();
        }
    }

    private Optional<IndexEntry> select(Connection connection, BoundaryObjects objects, String name)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                IndexStatements.SELECT_ONE.formatted(objects.catalog()))) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? entry(row, objects) : Optional.empty();
            }
        }
    }

    /** The entry of a catalog row; empty (and logged) when a row no longer passes validation. */
    private static Optional<IndexEntry> entry(ResultSet row, BoundaryObjects objects) throws SQLException {
        String name = row.getString(1);
        String[] fieldKeys = strings(row.getArray(2));
        String[] fieldTypes = strings(row.getArray(3));
        String[] conditionKeys = strings(row.getArray(4));
        String[] operators = strings(row.getArray(5));
        String[] values = strings(row.getArray(6));
        try {
            List<IndexField> fields = new ArrayList<>(fieldKeys.length);
            for (int i = 0; i < fieldKeys.length; i++) {
                fields.add(new IndexField(fieldKeys[i], ValueType.valueOf(fieldTypes[i])));
            }
            List<IndexCondition> conditions = new ArrayList<>(conditionKeys.length);
            for (int i = 0; i < conditionKeys.length; i++) {
                conditions.add(IndexCondition.of(conditionKeys[i], operators[i], values[i]));
            }
            IndexDefinition definition = new IndexDefinition(objects.boundary(), name, fields, conditions,
                    Combinator.valueOf(row.getString(7)));
            return Optional.of(new IndexEntry(definition, IndexState.valueOf(row.getString(8)),
                    Optional.ofNullable(row.getString(9))));
        } catch (OrisunException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "the catalog of boundary " + objects.boundary() + " holds index "
                    + name + " with a definition that is no longer valid; leaving it out", e);
            return Optional.empty();
        }
    }

    private static String[] strings(Array array) throws SQLException {
        return array == null ? new String[0] : (String[]) array.getArray();
    }

    /** What holds the index's name in the boundary's schema. */
    private enum Physical {
        /** Nothing: the name is free. */
        ABSENT,
        /** A valid index on the boundary's event table. */
        VALID,
        /** An invalid index on the event table, left by a failed or interrupted concurrent build. */
        INVALID,
        /** Something else: a table, or an index of another table. */
        FOREIGN
    }

    private static Physical physical(Connection connection, BoundaryObjects objects, String physicalName)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(IndexStatements.PHYSICAL)) {
            statement.setString(1, objects.events());
            statement.setString(2, objects.index(physicalName));
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Physical.ABSENT;
                }
                if (!"i".equals(row.getString(1)) || !row.getBoolean(3)) {
                    return Physical.FOREIGN;
                }
                return row.getBoolean(2) ? Physical.VALID : Physical.INVALID;
            }
        }
    }

    /** A connection in autocommit mode, with the boundary's catalog in place. */
    private Connection open(BoundaryObjects objects) throws SQLException {
        Connection connection = dataSources.getOrDefault(objects.boundary(), dataSource).getConnection();
        try {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            if (!catalogsReady.contains(objects.boundary())) {
                CatalogScript.apply(connection, objects);
                catalogsReady.add(objects.boundary());
            }
            return connection;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * A connection (see {@link #open}) holding the session lock of one index, waiting as long as another session
     * holds it. The wait happens here, between short statements, and never inside one: a session blocked in a
     * statement is a transaction that a concurrent index build waits for, while the build's session holds the lock
     * it waits on. Between attempts the connection goes back to the pool.
     */
    private Locked openLocked(BoundaryObjects objects, String lockName) throws SQLException {
        long pauseMillis = 20;
        while (true) {
            Connection connection = open(objects);
            Optional<AdvisoryLock> lock = Optional.empty();
            try {
                lock = AdvisoryLock.tryAcquire(connection, lockName);
            } finally {
                if (lock.isEmpty()) {
                    connection.close();
                }
            }
            if (lock.isPresent()) {
                return new Locked(connection, lock.get());
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("interrupted while waiting for another change to the same index to finish", e);
            }
            pauseMillis = Math.min(pauseMillis * 2, 1_000);
        }
    }

    /** A connection whose session holds the lock of one index; closing releases the lock, then the connection. */
    private record Locked(Connection connection, AdvisoryLock lock) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            try {
                lock.close();
            } finally {
                connection.close();
            }
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private BoundaryObjects served(String boundary) {
        BoundarySpec.requireBoundaryName(boundary);
        BoundaryObjects objects = boundaries.get(boundary);
        if (objects == null) {
            throw new NotFound("boundary " + OrisunException.echo(boundary) + " does not exist");
        }
        return objects;
    }

    private void notifyChanged(String boundary) {
        for (Consumer<String> listener : listeners) {
            try {
                listener.accept(boundary);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "an index change listener failed for boundary " + boundary, e);
            }
        }
    }

    /** The failure of a build: the data did not fit the definition, or the database could not finish. */
    private static OrisunException buildFailure(SQLException e, IndexDefinition definition) {
        String state = SqlCondition.sqlState(e).orElse("none");
        String what = "index " + definition.name() + " of boundary " + definition.boundary();
        SqlCondition condition = SqlCondition.of(e);
        if (condition == SqlCondition.UNAVAILABLE) {
            return new Unavailable("the database could not be reached while building " + what + " (SQLSTATE "
                    + state + ")", e);
        }
        String reason = switch (condition) {
            case DATA_EXCEPTION -> "an event holds a value that does not convert to the index's type: "
                    + primaryMessage(e);
            case LIMIT_EXCEEDED -> "a value is too large for the index: " + primaryMessage(e);
            default -> primaryMessage(e);
        };
        return new FailedPrecondition(what + " could not be built: " + reason + " (SQLSTATE " + state
                + "); no index was left behind", e);
    }

    private static OrisunException translate(SQLException e, String action, BoundaryObjects objects) {
        String state = SqlCondition.sqlState(e).orElse("none");
        String where = action + " boundary " + objects.boundary();
        return switch (SqlCondition.of(e)) {
            case UNAVAILABLE -> new Unavailable("the database could not be reached while " + where + " (SQLSTATE "
                    + state + ")", e);
            case UNDEFINED_OBJECT -> new FailedPrecondition("the tables of boundary " + objects.boundary()
                    + " are missing from schema " + objects.spec().schema() + "; its migration has not run (SQLSTATE "
                    + state + ")", e);
            case INSUFFICIENT_PRIVILEGE -> new FailedPrecondition("the database user may not change the indexes of"
                    + " boundary " + objects.boundary() + " (SQLSTATE " + state + ")", e);
            default -> new Unavailable("the database failed while " + where + " (SQLSTATE " + state + ")", e);
        };
    }

    /** The server's primary message, which names the problem and never holds SQL text. */
    private static String primaryMessage(SQLException e) {
        if (e instanceof PSQLException psql) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            if (server != null && server.getMessage() != null) {
                return server.getMessage();
            }
        }
        return "the database refused it";
    }
}
