package io.orisun.ccc;

import io.orisun.api.BoundarySpec;
import io.orisun.api.BudgetExceeded;
import io.orisun.api.FailedPrecondition;
import io.orisun.api.OrisunException;
import io.orisun.api.Position;
import io.orisun.api.Unavailable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Moves one boundary's log from one PostgreSQL server (the source) to another (the target), in the steps an
 * operator's procedure runs in order:
 * <ol>
 *   <li>{@link #pause(Duration)}: takes the boundary's writer lock on the source as a session advisory lock, on a
 *       connection of its own, and holds it until the returned {@link Pause} is closed. Every save on every node
 *       takes the same lock ({@code pg_advisory_xact_lock(<schema>."<boundary>_orisun_writer_lock_key"())}) before
 *       it assigns positions, so from then on no save commits: each waits as long as its write budget allows, then
 *       fails with {@link Unavailable} (the boundary is paused by a move), having written nothing. Reads go on.</li>
 *   <li>{@link #copy(Pause)}: migrates the boundary on the target ({@link BoundarySchema#apply}), refuses a target
 *       that holds anything of the boundary already, copies the events in chunks in position order, then the head
 *       row, the publisher's checkpoint and the projector checkpoints, and verifies the copy
 *       ({@link #verify(Pause)}).</li>
 *   <li>The caller switches the boundary's placement to the target (not this class's business) while the pause is
 *       still held.</li>
 *   <li>{@link #retireSource(Pause, Copied)}: moves the source's tables and save function out of the way, into a
 *       schema of their own, so that a node that has not yet seen the switch cannot save to the old copy: its saves
 *       fail ({@link FailedPrecondition}, the save function is missing) instead of forking the log.</li>
 *   <li>Closing the {@link Pause} releases the lock.</li>
 * </ol>
 *
 * <p>What is copied, table by table (the objects of {@code V1__event_log.sql} to {@code V4__generic_plans.sql}):
 * <ul>
 *   <li>{@code _orisun_es_event}: copied, every column exact (positions, ids, types, data and metadata as the same
 *       {@code jsonb} values, creation times to the microsecond), because it is the log.</li>
 *   <li>{@code _orisun_es_head}: copied (position, event count, time of the last change); saves on the target assign
 *       positions from it, so they continue after the last copied event.</li>
 *   <li>{@code _orisun_last_published_event_position}: copied, so that the target's publisher resumes where the
 *       source's left off. Read after the events, as the source's publisher may still advance it while writes are
 *       paused; a checkpoint that lags is harmless, since a publisher moves it up to what the JetStream stream holds
 *       before it publishes.</li>
 *   <li>{@code _projector_checkpoint}: copied; its positions stay valid because positions are preserved.</li>
 *   <li>{@code _orisun_schema_history} (Flyway's) and the functions ({@code _orisun_save_batch},
 *       {@code _orisun_writer_lock_key}): recreated by the target's own migration, not copied, so that the target
 *       is exactly what this version migrates a boundary to.</li>
 * </ul>
 * Payload indexes are not part of the log's migrations; they are created again on the target by the index
 * administration.
 *
 * <p>Memory and connections stay bounded whatever the log's size: each statement reads or writes one chunk of at
 * most {@code chunkEvents} events, runs under {@code statementBudget} (cancelled past it), and takes a pool
 * connection only for that statement. Each chunk commits on its own, so a failure part-way leaves a partial target,
 * which {@link #verify(Pause)} refuses; its tables are then to be dropped before another attempt.
 *
 * <p>Not thread-safe: one mover runs the steps of one move.
 */
public final class BoundaryMove {

    private static final System.Logger LOG = System.getLogger(BoundaryMove.class.getName());
    private static final DateTimeFormatter RETIRED_AT = DateTimeFormatter.ofPattern("uuuuMMddHHmmss");

    /**
     * The {@code application_name} of the session that holds a pause, by which a save that ran past its budget
     * tells a paused boundary ({@link Unavailable}) from a slow one ({@link BudgetExceeded}).
     */
    public static final String APPLICATION_NAME = "orisun-boundary-move";

    /** The chunk size when none is given: 5,000 events. */
    public static final int DEFAULT_CHUNK_EVENTS = 5_000;

    /** The budget of one statement when none is given: 30 seconds. */
    public static final Duration DEFAULT_STATEMENT_BUDGET = Duration.ofSeconds(30);

    private final BoundarySpec boundary;
    private final BoundaryTables tables;
    private final DataSource source;
    private final DataSource target;
    private final int chunkEvents;
    private final Budget budget;

    /**
     * A move of {@code boundary} from {@code source} to {@code target}, with the {@link #DEFAULT_CHUNK_EVENTS} and
     * the {@link #DEFAULT_STATEMENT_BUDGET}.
     */
    public BoundaryMove(BoundarySpec boundary, DataSource source, DataSource target) {
        this(boundary, source, target, DEFAULT_CHUNK_EVENTS, DEFAULT_STATEMENT_BUDGET);
    }

    /**
     * @param boundary        the boundary, in the same schema on both servers
     * @param source          connections to the server that holds the log; the one of {@link #pause} stays taken
     *                        until the pause is closed
     * @param target          connections to the server that receives it, with the right to create the schema
     * @param chunkEvents     the most events one statement reads or writes
     * @param statementBudget the longest one statement may run, the wait for the writer lock included
     */
    public BoundaryMove(BoundarySpec boundary, DataSource source, DataSource target, int chunkEvents,
                        Duration statementBudget) {
        this.boundary = Objects.requireNonNull(boundary, "boundary");
        this.tables = BoundaryTables.of(boundary);
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        if (source == target) {
            throw new IllegalArgumentException("the source and the target must be different data sources");
        }
        if (chunkEvents < 1) {
            throw new IllegalArgumentException("chunkEvents must be at least 1, got " + chunkEvents);
        }
        this.chunkEvents = chunkEvents;
        this.budget = new Budget("move", Objects.requireNonNull(statementBudget, "statementBudget"));
    }

    /**
     * What {@link #copy} copied and verified.
     *
     * @param events        the number of events, equal to the head's event count
     * @param head          the position of the last event ({@link Position#NONE} for an empty log)
     * @param lastPublished the publisher's checkpoint as copied
     * @param checksum      a SHA-256 (hex) over the MD5s of every chunk's events, all columns, in position order;
     *                      equal on both sides
     * @param copyTime      how long the copy took, the verification not included
     * @param verifyTime    how long the verification took
     */
    public record Copied(long events, Position head, Position lastPublished, String checksum, Duration copyTime,
                         Duration verifyTime) {

        /** Events copied per second, the verification not included. */
        public double eventsPerSecond() {
            return events / Math.max(1e-9, copyTime.toNanos() / 1e9);
        }
    }

    /**
     * Waits, at most {@code wait} (in whole seconds, rounded up), for the boundary's writer lock on the source, and
     * holds it as a session lock on a connection of its own until the returned pause is closed. Saves already
     * committing finish first; every later one waits for the lock and fails with its write budget.
     *
     * @throws BudgetExceeded when the lock was not free within {@code wait}
     * @throws Unavailable                  when the source cannot be reached
     * @throws FailedPrecondition           when the boundary's objects are missing on the source
     */
    public Pause pause(Duration wait) {
        Budget lockBudget = new Budget("move", wait);
        Connection connection;
        try {
            connection = source.getConnection();
        } catch (SQLException e) {
            throw failure(e, "pausing the writes of", lockBudget);
        }
        Pause pause = new Pause(connection, MoveStatements.RESUME.formatted(tables.writerLockKey()));
        try {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute(MoveStatements.NAME_SESSION.formatted(APPLICATION_NAME));
                try (StatementWatch.Watched watched = lockBudget.watch(statement)) {
                    statement.execute(MoveStatements.PAUSE.formatted(tables.writerLockKey()));
                }
            }
            LOG.log(System.Logger.Level.INFO, "writes to boundary {0} are paused for its move", boundary.name());
            return pause;
        } catch (SQLException e) {
            // A session lock outlives a failed statement: a cancel that came just after the grant would leave it
            // held on a pooled connection. Releasing it (or discarding the connection) rules that out.
            pause.close();
            throw failure(e, "pausing the writes of", lockBudget);
        }
    }

    /**
     * What the target held of the boundary before a move, from {@link #inspectTarget()}: what
     * {@link #dropTarget(TargetBefore)} may drop after a failed move and what it must leave.
     *
     * @param schema whether the boundary's schema existed on the target
     * @param tables whether the boundary's event table or its Flyway history existed on the target (the history of
     *               a boundary moved away from it stays behind)
     */
    public record TargetBefore(boolean schema, boolean tables) {
    }

    /**
     * Looks at what the target holds of the boundary, before {@link #copy}.
     *
     * @throws Unavailable when the target cannot be reached
     */
    public TargetBefore inspectTarget() {
        try (Connection connection = target.getConnection();
             PreparedStatement schema = connection.prepareStatement(MoveStatements.SCHEMA_EXISTS);
             PreparedStatement table = connection.prepareStatement(MoveStatements.RELATION_EXISTS)) {
            schema.setString(1, boundary.schema());
            table.setString(1, tables.events());
            boolean events = answer(table);
            table.setString(1, history());
            return new TargetBefore(answer(schema), events || answer(table));
        } catch (SQLException e) {
            throw failure(e, "inspecting the target of", budget);
        }
    }

    /**
     * Undoes on the target what a failed move created there, so that the move can be tried again: when the
     * boundary's tables did not exist {@code before}, drops its tables, functions and Flyway history, and then its
     * schema if the schema did not exist either and nothing else is in it. A target that held the boundary before
     * is left as it is. The source is not touched.
     *
     * @throws Unavailable when the target cannot be reached
     */
    public void dropTarget(TargetBefore before) {
        if (before.tables()) {
            LOG.log(System.Logger.Level.INFO, "the target held boundary {0} before the move; it is left as it was",
                    boundary.name());
            return;
        }
        String schema = BoundarySpec.quote(boundary.schema());
        String history = history();
        try (Connection connection = target.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                for (String sql : new String[] {
                        MoveStatements.DROP_SAVE.formatted(tables.saveBatch()),
                        MoveStatements.DROP_LOCK_KEY.formatted(tables.writerLockKey()),
                        MoveStatements.DROP_TABLE.formatted(tables.events()),
                        MoveStatements.DROP_TABLE.formatted(tables.head()),
                        MoveStatements.DROP_TABLE.formatted(tables.lastPublished()),
                        MoveStatements.DROP_TABLE.formatted(tables.projectorCheckpoints()),
                        MoveStatements.DROP_TABLE.formatted(history)}) {
                    try (StatementWatch.Watched watched = budget.watch(statement)) {
                        statement.execute(sql);
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                rollbackQuietly(connection);
                throw e;
            }
            connection.setAutoCommit(true);
            if (!before.schema()) {
                try {
                    statement.execute(MoveStatements.DROP_EMPTY_SCHEMA.formatted(schema));
                } catch (SQLException e) {
                    // Something else was created in it meanwhile: it stays.
                    LOG.log(System.Logger.Level.INFO, "schema {0} on the target is not empty; it is kept",
                            boundary.schema());
                }
            }
            LOG.log(System.Logger.Level.INFO, "dropped the partial copy of boundary {0} on the target",
                    boundary.name());
        } catch (SQLException e) {
            throw failure(e, "dropping the copy of", budget);
        }
    }

    /** The boundary's Flyway history table, qualified and quoted. */
    private String history() {
        return BoundarySpec.quote(boundary.schema()) + "." + BoundarySpec.quote(boundary.name() + "_orisun_schema_history");
    }

    private static boolean answer(PreparedStatement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            return row.next() && row.getBoolean(1);
        }
    }

    /**
     * Copies the log to the target and verifies it ({@link #verify}); the target is migrated first. Runs while
     * {@code pause} is held.
     *
     * @throws FailedPrecondition when the target already holds events, a head, a checkpoint or projector
     *                            checkpoints of the boundary (nothing is written then), when the pause is not held,
     *                            or when the verification finds a difference (the target is then to be dropped)
     * @throws BudgetExceeded when a statement ran past the statement budget
     * @throws Unavailable        when either server cannot be reached
     */
    public Copied copy(Pause pause) {
        requireHeld(pause);
        BoundarySchema.apply(target, boundary);
        requireEmptyTarget();
        long began = System.nanoTime();
        Head sourceHead = head(source);
        long copied = copyEvents();
        if (copied != sourceHead.eventCount()) {
            throw new FailedPrecondition("the copy of boundary " + boundary.name() + " read " + copied
                    + " events from the source, whose head counts " + sourceHead.eventCount() + "; drop the target's"
                    + " tables and move again");
        }
        Checkpoint checkpoint = copyRows(sourceHead);
        Duration copyTime = Duration.ofNanos(System.nanoTime() - began);
        LOG.log(System.Logger.Level.INFO, "copied {0} events of boundary {1} in {2} ms", copied, boundary.name(),
                copyTime.toMillis());
        long verifying = System.nanoTime();
        String checksum = verify(pause);
        return new Copied(copied, sourceHead.position(), checkpoint.position(), checksum, copyTime,
                Duration.ofNanos(System.nanoTime() - verifying));
    }

    /**
     * Compares the target's copy with the source's log: event by event over every column, in chunks, each chunk's
     * count and MD5 computed by each server alike; then that the target holds nothing after the source's head,
     * that both heads are equal and match the events, and that the source's head did not move meanwhile.
     *
     * @return the checksum of the whole log, as {@link Copied#checksum()}
     * @throws FailedPrecondition when anything differs, naming the first chunk that does; or the pause is not held
     */
    public String verify(Pause pause) {
        requireHeld(pause);
        Head sourceHead = head(source);
        MessageDigest whole = sha256();
        long counted = 0;
        Position from = Position.NONE;
        while (from.compareTo(sourceHead.position()) < 0) {
            Position to = chunkEnd(from).orElse(sourceHead.position());
            ChunkSum expected = chunkSum(source, from, to);
            ChunkSum actual = chunkSum(target, from, to);
            if (!expected.equals(actual)) {
                throw new FailedPrecondition("the copy of boundary " + boundary.name() + " differs from the source"
                        + " between positions " + from + " and " + to + " (" + actual.count() + " events on the"
                        + " target, " + expected.count() + " on the source, or a different checksum); drop the"
                        + " target's tables and move again");
            }
            whole.update(expected.md5().getBytes(StandardCharsets.US_ASCII));
            counted += expected.count();
            from = to;
        }
        if (anyAfter(target, sourceHead.position())) {
            throw new FailedPrecondition("the target holds events of boundary " + boundary.name() + " after the"
                    + " source's head " + sourceHead.position() + "; drop the target's tables and move again");
        }
        Head targetHead = head(target);
        if (!targetHead.equals(sourceHead) || counted != sourceHead.eventCount()) {
            throw new FailedPrecondition("the head of boundary " + boundary.name() + " differs: the source has "
                    + sourceHead + " and " + counted + " events, the target " + targetHead);
        }
        if (!head(source).equals(sourceHead)) {
            throw new FailedPrecondition("the source's log of boundary " + boundary.name() + " changed during the"
                    + " verification: writes were not paused");
        }
        return HexFormat.of().formatHex(whole.digest());
    }

    /**
     * Moves the source's event table, head, publisher checkpoint, projector checkpoints and save function into a new
     * schema {@code orisun_moved_<boundary>_<UTC time>}, in one transaction, on the pause's connection, once the
     * placement points to the target. A node that has not seen the switch yet then fails its saves to the source
     * (the save function is missing: {@link FailedPrecondition}) and its reads (the tables are missing) rather than
     * writing to an old copy. The Flyway history stays where it was, so that a node starting with the old placement
     * finds the boundary's migration done and does not create an empty log in its place; the writer lock key
     * function stays too, so saves already waiting for the lock fail rather than hang. The retired objects are kept
     * for the operator to drop once the move is confirmed.
     *
     * @param copied what {@link #copy} answered: the source's head must still be there, unchanged
     * @return the schema that now holds the retired objects, unquoted
     * @throws FailedPrecondition when the pause is not held or the source's head moved since the copy
     */
    public String retireSource(Pause pause, Copied copied) {
        requireHeld(pause);
        Head now = head(source);
        if (!now.position().equals(copied.head()) || now.eventCount() != copied.events()) {
            throw new FailedPrecondition("the source's log of boundary " + boundary.name() + " is at " + now
                    + ", not where it was copied (" + copied.head() + "); the source is not retired");
        }
        String schema = "orisun_moved_" + boundary.name() + "_"
                + RETIRED_AT.format(OffsetDateTime.now(ZoneOffset.UTC));
        String quoted = BoundarySpec.quote(BoundarySpec.requireIdentifier("schema", schema));
        Connection connection = pause.connection;
        try {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String sql : new String[] {
                        MoveStatements.CREATE_RETIRED_SCHEMA.formatted(quoted),
                        MoveStatements.RETIRE_TABLE.formatted(tables.events(), quoted),
                        MoveStatements.RETIRE_TABLE.formatted(tables.head(), quoted),
                        MoveStatements.RETIRE_TABLE.formatted(tables.lastPublished(), quoted),
                        MoveStatements.RETIRE_TABLE.formatted(tables.projectorCheckpoints(), quoted),
                        MoveStatements.RETIRE_SAVE.formatted(tables.saveBatch(), quoted)}) {
                    try (StatementWatch.Watched watched = budget.watch(statement)) {
                        statement.execute(sql);
                    }
                }
            }
            connection.commit();
            LOG.log(System.Logger.Level.INFO, "the source of boundary {0} is retired into schema {1}",
                    boundary.name(), schema);
            return schema;
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw failure(e, "retiring the source of", budget);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.DEBUG, "restoring autocommit on the pause connection failed", e);
            }
        }
    }

    /**
     * The boundary's writer lock on the source, held as a session lock on a connection of its own. Closing it
     * releases the lock and returns the connection; if the release fails, the connection is aborted, which ends its
     * session and so the lock.
     */
    public static final class Pause implements AutoCloseable {

        private final Connection connection;
        private final String resume;
        private boolean closed;

        private Pause(Connection connection, String resume) {
            this.connection = connection;
            this.resume = resume;
        }

        /** Whether the lock is still held: not closed, and the connection still alive. */
        public boolean held() {
            try {
                return !closed && connection.isValid(5);
            } catch (SQLException e) {
                return false;
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try (connection; Statement statement = connection.createStatement()) {
                statement.execute(resume);
                statement.execute(MoveStatements.UNNAME_SESSION);
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.WARNING, "releasing the writer lock after a move failed; discarding its"
                        + " connection, which ends the lock", e);
                try {
                    connection.abort(Runnable::run);
                } catch (SQLException abortFailed) {
                    LOG.log(System.Logger.Level.DEBUG, "aborting the pause connection failed", abortFailed);
                }
            }
        }
    }

    private record Head(Position position, long eventCount, OffsetDateTime updatedAt) {
    }

    private record Checkpoint(Position position, OffsetDateTime updatedAt) {
    }

    private record ChunkSum(long count, String md5) {
    }

    private void requireHeld(Pause pause) {
        if (pause == null || !pause.held()) {
            throw new FailedPrecondition("writes to boundary " + boundary.name() + " are not paused; pause them"
                    + " before copying, verifying or retiring");
        }
    }

    private void requireEmptyTarget() {
        Head head = head(target);
        boolean events = exists(target, MoveStatements.ANY_EVENT.formatted(tables.events()));
        boolean projectors = exists(target, MoveStatements.ANY_PROJECTOR.formatted(tables.projectorCheckpoints()));
        Checkpoint checkpoint = checkpoint(target);
        if (events || projectors || !head.position().equals(Position.NONE) || head.eventCount() != 0
                || !checkpoint.position().equals(Position.NONE)) {
            throw new FailedPrecondition("the target already holds boundary " + boundary.name() + " in schema "
                    + boundary.schema() + " (head " + head.position() + ", " + head.eventCount() + " events"
                    + (projectors ? ", projector checkpoints" : "") + "); a move needs an empty target");
        }
    }

    /** Copies the events chunk by chunk, each read and each write a statement of its own; answers how many. */
    private long copyEvents() {
        Position after = Position.NONE;
        long copied = 0;
        while (true) {
            Chunk chunk = readChunk(after);
            if (chunk.size() == 0) {
                return copied;
            }
            writeChunk(chunk);
            copied += chunk.size();
            after = chunk.last();
            if (chunk.size() < chunkEvents) {
                return copied;
            }
        }
    }

    /** One chunk as parallel arrays, the shape the insert takes. */
    private record Chunk(int size, Long[] transactionIds, Long[] globalIds, String[] ids, String[] types,
                         String[] data, String[] metadata, Long[] micros) {

        Position last() {
            return new Position(transactionIds[size - 1], globalIds[size - 1]);
        }
    }

    private Chunk readChunk(Position after) {
        try (Connection connection = source.getConnection();
             PreparedStatement statement = connection.prepareStatement(MoveStatements.CHUNK.formatted(tables.events()))) {
            statement.setLong(1, after.transactionId());
            statement.setLong(2, after.globalId());
            statement.setInt(3, chunkEvents);
            Long[] tx = new Long[chunkEvents];
            Long[] gid = new Long[chunkEvents];
            String[] ids = new String[chunkEvents];
            String[] types = new String[chunkEvents];
            String[] data = new String[chunkEvents];
            String[] metadata = new String[chunkEvents];
            Long[] micros = new Long[chunkEvents];
            int n = 0;
            try (StatementWatch.Watched watched = budget.watch(statement); ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    tx[n] = rows.getLong(1);
                    gid[n] = rows.getLong(2);
                    ids[n] = rows.getString(3);
                    types[n] = rows.getString(4);
                    data[n] = rows.getString(5);
                    metadata[n] = rows.getString(6);
                    micros[n] = rows.getLong(7);
                    n++;
                }
            }
            return n == chunkEvents ? new Chunk(n, tx, gid, ids, types, data, metadata, micros)
                    : new Chunk(n, Arrays.copyOf(tx, n), Arrays.copyOf(gid, n),
                            Arrays.copyOf(ids, n), Arrays.copyOf(types, n),
                            Arrays.copyOf(data, n), Arrays.copyOf(metadata, n),
                            Arrays.copyOf(micros, n));
        } catch (SQLException e) {
            throw failure(e, "reading the log of", budget);
        }
    }

    private void writeChunk(Chunk chunk) {
        try (Connection connection = target.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     MoveStatements.INSERT_CHUNK.formatted(tables.events()))) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            Array[] arrays = {
                connection.createArrayOf("bigint", chunk.transactionIds()),
                connection.createArrayOf("bigint", chunk.globalIds()),
                connection.createArrayOf("text", chunk.ids()),
                connection.createArrayOf("text", chunk.types()),
                connection.createArrayOf("text", chunk.data()),
                connection.createArrayOf("text", chunk.metadata()),
                connection.createArrayOf("bigint", chunk.micros())};
            for (int i = 0; i < arrays.length; i++) {
                statement.setArray(i + 1, arrays[i]);
            }
            try (StatementWatch.Watched watched = budget.watch(statement)) {
                statement.executeUpdate();
            }
        } catch (SQLException e) {
            throw failure(e, "writing the copy of", budget);
        }
    }

    /** Copies the head, the publisher's checkpoint and the projector checkpoints; answers the checkpoint. */
    private Checkpoint copyRows(Head head) {
        Checkpoint checkpoint = checkpoint(source);
        try (Connection from = source.getConnection(); Connection to = target.getConnection()) {
            to.setAutoCommit(false);
            try (PreparedStatement setHead = to.prepareStatement(MoveStatements.SET_HEAD.formatted(tables.head()));
                 PreparedStatement setCheckpoint = to.prepareStatement(
                         MoveStatements.SET_CHECKPOINT.formatted(tables.lastPublished()));
                 PreparedStatement projectors = from.prepareStatement(
                         MoveStatements.PROJECTORS.formatted(tables.projectorCheckpoints()));
                 PreparedStatement insertProjector = to.prepareStatement(
                         MoveStatements.INSERT_PROJECTOR.formatted(tables.projectorCheckpoints()))) {
                setHead.setLong(1, head.position().transactionId());
                setHead.setLong(2, head.position().globalId());
                setHead.setLong(3, head.eventCount());
                setHead.setObject(4, head.updatedAt());
                run(setHead);
                setCheckpoint.setLong(1, checkpoint.position().transactionId());
                setCheckpoint.setLong(2, checkpoint.position().globalId());
                setCheckpoint.setObject(3, checkpoint.updatedAt());
                run(setCheckpoint);
                // One row per named projection: a handful, read in one statement.
                try (StatementWatch.Watched watched = budget.watch(projectors);
                     ResultSet rows = projectors.executeQuery()) {
                    while (rows.next()) {
                        insertProjector.setString(1, rows.getString(1));
                        insertProjector.setLong(2, rows.getLong(2));
                        insertProjector.setLong(3, rows.getLong(3));
                        insertProjector.setObject(4, rows.getObject(4, OffsetDateTime.class));
                        insertProjector.addBatch();
                    }
                }
                try (StatementWatch.Watched watched = budget.watch(insertProjector)) {
                    insertProjector.executeBatch();
                }
                to.commit();
            } catch (SQLException e) {
                rollbackQuietly(to);
                throw e;
            }
            return checkpoint;
        } catch (SQLException e) {
            throw failure(e, "copying the head and checkpoints of", budget);
        }
    }

    private void run(PreparedStatement statement) throws SQLException {
        try (StatementWatch.Watched watched = budget.watch(statement)) {
            if (statement.executeUpdate() != 1) {
                throw new FailedPrecondition("the target's one-row table of boundary " + boundary.name()
                        + " does not hold its row; drop the target's tables and move again");
            }
        }
    }

    private Head head(DataSource side) {
        try (Connection connection = side.getConnection();
             PreparedStatement statement = connection.prepareStatement(MoveStatements.HEAD.formatted(tables.head()));
             StatementWatch.Watched watched = budget.watch(statement);
             ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                throw new FailedPrecondition("the head row of boundary " + boundary.name() + " is missing");
            }
            return new Head(new Position(row.getLong(1), row.getLong(2)), row.getLong(3),
                    row.getObject(4, OffsetDateTime.class));
        } catch (SQLException e) {
            throw failure(e, "reading the head of", budget);
        }
    }

    private Checkpoint checkpoint(DataSource side) {
        try (Connection connection = side.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     MoveStatements.CHECKPOINT.formatted(tables.lastPublished()));
             StatementWatch.Watched watched = budget.watch(statement);
             ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                throw new FailedPrecondition("the publisher checkpoint row of boundary " + boundary.name()
                        + " is missing");
            }
            return new Checkpoint(new Position(row.getLong(1), row.getLong(2)), row.getObject(3, OffsetDateTime.class));
        } catch (SQLException e) {
            throw failure(e, "reading the publisher checkpoint of", budget);
        }
    }

    private boolean exists(DataSource side, String sql) {
        try (Connection connection = side.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql);
             StatementWatch.Watched watched = budget.watch(statement);
             ResultSet row = statement.executeQuery()) {
            return row.next() && row.getBoolean(1);
        } catch (SQLException e) {
            throw failure(e, "inspecting the target of", budget);
        }
    }

    private boolean anyAfter(DataSource side, Position after) {
        try (Connection connection = side.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     MoveStatements.ANY_AFTER.formatted(tables.events()))) {
            statement.setLong(1, after.transactionId());
            statement.setLong(2, after.globalId());
            try (StatementWatch.Watched watched = budget.watch(statement); ResultSet row = statement.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        } catch (SQLException e) {
            throw failure(e, "verifying the copy of", budget);
        }
    }

    /** The position that ends the chunk after {@code from} on the source, or empty when fewer events remain. */
    private Optional<Position> chunkEnd(Position from) {
        try (Connection connection = source.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     MoveStatements.CHUNK_END.formatted(tables.events()))) {
            statement.setLong(1, from.transactionId());
            statement.setLong(2, from.globalId());
            statement.setInt(3, chunkEvents - 1);
            try (StatementWatch.Watched watched = budget.watch(statement); ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(new Position(row.getLong(1), row.getLong(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e, "verifying the copy of", budget);
        }
    }

    private ChunkSum chunkSum(DataSource side, Position from, Position to) {
        try (Connection connection = side.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     MoveStatements.CHUNK_SUM.formatted(tables.events()))) {
            statement.setLong(1, from.transactionId());
            statement.setLong(2, from.globalId());
            statement.setLong(3, to.transactionId());
            statement.setLong(4, to.globalId());
            try (StatementWatch.Watched watched = budget.watch(statement); ResultSet row = statement.executeQuery()) {
                row.next();
                return new ChunkSum(row.getLong(1), row.getString(2));
            }
        } catch (SQLException e) {
            throw failure(e, "verifying the copy of", budget);
        }
    }

    private OrisunException failure(SQLException e, String action, Budget limit) {
        if (Budget.isExceeded(e)) {
            return new BudgetExceeded(action + " boundary " + boundary.name() + " ran past the move's statement"
                    + " budget of " + limit.limit().toSeconds() + "s and was cancelled", e);
        }
        return SqlFailure.translate(e, action, tables);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "rolling back after a failed move step failed", e);
        }
    }

}
