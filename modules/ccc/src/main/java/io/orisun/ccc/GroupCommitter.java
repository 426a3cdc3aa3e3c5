package io.orisun.ccc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.orisun.api.AlreadyExists;
import io.orisun.api.BudgetExceeded;
import io.orisun.api.ConsistencyViolation;
import io.orisun.api.Criterion;
import io.orisun.api.EventToSave;
import io.orisun.api.LogObserver;
import io.orisun.api.OrisunException;
import io.orisun.api.Position;
import io.orisun.api.SaveResult;
import io.orisun.api.Tag;
import io.orisun.api.Unavailable;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The writer of one boundary. Callers queue their saves; one flusher, a platform thread, takes everything queued
 * (up to the batch limits, in arrival order) and commits it with one call of the boundary's save function: one
 * round trip, one transaction, one WAL flush for the whole group.
 *
 * <p>If that call fails as a whole for a reason other than the connection (a value that jsonb cannot hold, for
 * instance), nothing was committed, and the requests are run again one per transaction so that only the bad one
 * fails. A connection-level failure answers every request of the batch with {@link Unavailable}.
 *
 * <p>Every call runs under the write budget ({@link GroupCommitSettings#writeBudget()}), the wait for the writer
 * lock included: past it the call is cancelled and nothing of it is committed. Alone, the request fails with
 * {@link BudgetExceeded}; in a batch, the requests are run again one per transaction, each under the budget, so
 * that the one that needs longer fails alone and its neighbours commit. A save whose consistency check was read
 * ahead ({@link PreparedSave#hinted()}) is committed in a batch of its own: its check is large, and alone it is
 * compared with no other request's events. When the writer lock was held by a {@link BoundaryMove} that paused the
 * boundary's writes, the whole batch fails at once with {@link Unavailable}: the others would only wait in turn.
 */
final class GroupCommitter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GroupCommitter.class.getName());
    private static final JsonFactory JSON = new JsonFactory();
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final BoundaryTables tables;
    private final DataSource writes;
    private final GroupCommitSettings settings;
    private final Budget budget;
    private final String saveSql;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final Condition room = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Thread flusher;
    private final LogObserver observer;
    private boolean closed;

    GroupCommitter(BoundaryTables tables, DataSource writes, GroupCommitSettings settings, LogObserver observer) {
        this.observer = observer;
        this.tables = tables;
        this.writes = writes;
        this.settings = settings;
        this.budget = new Budget("write", settings.writeBudget());
        this.saveSql = SaveStatements.saveBatch(tables);
        // A platform thread, not a virtual one: the flusher is the one thread every save of the boundary waits for,
        // so it must not queue for a carrier behind the request handlers it serves, and its blocking socket read
        // of the database's reply should return to it directly rather than through the poller and the scheduler.
        this.flusher = Thread.ofPlatform().daemon().name("orisun-commit-" + tables.boundary()).start(this::run);
    }

    /**
     * Queues the save and blocks until its batch has committed (or it was rejected). Blocks first while
     * {@code maxPending} requests are already waiting.
     *
     * @throws Unavailable when the committer is closed, closes while the save waits in the queue, the database
     *                     cannot be reached, or the calling thread is interrupted
     */
    SaveResult submit(PreparedSave save) {
        Pending pending = new Pending(save, System.nanoTime());
        lock.lock();
        try {
            while (!closed && queue.size() >= settings.maxPending()) {
                room.await();
            }
            if (closed) {
                throw shuttingDown();
            }
            queue.addLast(pending);
            queued.signal();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for room to save to boundary " + tables.boundary(), e);
        } finally {
            lock.unlock();
        }
        try {
            return pending.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for a save to boundary " + tables.boundary()
                    + " to commit; it may still commit", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("a save to boundary " + tables.boundary() + " failed", cause);
        } finally {
            if (pending.result().isDone() && pending.taken != 0) {
                observer.saveWaited(tables.boundary(), pending.taken - pending.queued,
                        System.nanoTime() - pending.answered);
            }
        }
    }

    /** How many saves wait for the flusher; the one being committed is not counted. */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking saves, answers every queued one with {@link Unavailable}, and waits a bounded time for the
     * batch being committed, whose callers still get its real outcome.
     */
    @Override
    public void close() {
        List<Pending> abandoned;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            abandoned = new ArrayList<>(queue);
            queue.clear();
            queued.signalAll();
            room.signalAll();
        } finally {
            lock.unlock();
        }
        for (Pending pending : abandoned) {
            pending.fail(shuttingDown());
        }
        try {
            if (!flusher.join(CLOSE_WAIT)) {
                LOG.log(System.Logger.Level.WARNING, "the save batch of boundary {0} was still running {1} after"
                        + " close; its callers are answered when the database replies", tables.boundary(), CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Unavailable shuttingDown() {
        return new Unavailable("the event log is shutting down");
    }

    private void run() {
        while (true) {
            List<Pending> batch = nextBatch();
            if (batch.isEmpty()) {
                return;
            }
            long began = System.nanoTime();
            try {
                flush(batch);
            } catch (RuntimeException | Error e) {
                // A defect, not a database answer: fail this batch and keep serving the boundary.
                LOG.log(System.Logger.Level.ERROR, "saving a batch to boundary " + tables.boundary() + " failed", e);
                for (Pending pending : batch) {
                    pending.fail(e);
                }
            }
            observer.flushed(tables.boundary(), batch.size(), events(batch), System.nanoTime() - began);
        }
    }

    private static int events(List<Pending> batch) {
        int events = 0;
        for (Pending pending : batch) {
            events += pending.save().events().size();
        }
        return events;
    }

    /** The next batch in arrival order, or an empty list once closed. */
    private List<Pending> nextBatch() {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                // Only close() wakes the flusher besides a new save; it is never interrupted, because an
                // interrupt would close the socket of a statement in flight.
                queued.awaitUninterruptibly();
            }
            if (closed) {
                return List.of();
            }
            List<Pending> batch = new ArrayList<>(Math.min(queue.size(), settings.maxBatchRequests()));
            int events = 0;
            while (!queue.isEmpty() && batch.size() < settings.maxBatchRequests()) {
                PreparedSave next = queue.peekFirst().save();
                int size = next.events().size();
                if (!batch.isEmpty() && (events + size > settings.maxBatchEvents() || next.hinted())) {
                    break;
                }
                batch.add(queue.pollFirst());
                events += size;
                if (next.hinted()) {
                    break;
                }
            }
            long taken = System.nanoTime();
            for (Pending pending : batch) {
                pending.taken = taken;
            }
            room.signalAll();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private void flush(List<Pending> batch) {
        long began = System.nanoTime();
        try (Connection connection = writes.getConnection()) {
            // Auto-commit makes the call its own transaction: the commit travels with the statement, no extra trip.
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            try {
                long connected = System.nanoTime();
                execute(connection, batch);
                observer.flushStages(tables.boundary(), connected - began, System.nanoTime() - connected);
            } catch (SQLException e) {
                if (Budget.isExceeded(e) && pausedByMove(connection)) {
                    failPaused(batch);
                } else if (batch.size() == 1 || SqlFailure.isConnectionLevel(e)) {
                    fail(batch, e);
                } else {
                    LOG.log(Budget.isExceeded(e) ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                            "a batch of {0} saves to boundary {1} failed with SQLSTATE {2}; saving them one by one",
                            batch.size(), tables.boundary(), e.getSQLState());
                    if (Budget.isExceeded(e)) {
                        observer.budgetExceeded(tables.boundary(), budget.operation());
                    }
                    isolate(connection, batch);
                }
            }
        } catch (SQLException e) {
            // No connection, or closing it failed: requests already answered keep their answer.
            fail(batch, e);
        }
    }

    private void isolate(Connection connection, List<Pending> batch) {
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            try {
                execute(connection, List.of(pending));
            } catch (SQLException e) {
                if (SqlFailure.isConnectionLevel(e)) {
                    fail(batch.subList(i, batch.size()), e);
                    return;
                }
                if (Budget.isExceeded(e) && pausedByMove(connection)) {
                    failPaused(batch.subList(i, batch.size()));
                    return;
                }
                fail(List.of(pending), e);
            }
        }
    }

    private void fail(List<Pending> batch, SQLException e) {
        if (Budget.isExceeded(e)) {
            LOG.log(System.Logger.Level.WARNING, "a save to boundary {0} ran past the write budget of {1} and was"
                    + " cancelled", tables.boundary(), budget.limit());
            observer.budgetExceeded(tables.boundary(), budget.operation());
        }
        for (Pending pending : batch) {
            pending.fail(failure(e));
        }
    }

    /**
     * Whether a move holds the boundary's writer lock: asked only after a save ran past its budget, so it costs a
     * save nothing otherwise. A failure to ask answers false, and the save then fails with its budget as usual.
     */
    private boolean pausedByMove(Connection connection) {
        try (PreparedStatement statement = connection.prepareStatement(
                SaveStatements.PAUSED_BY_MOVE.formatted(tables.writerLockKey()))) {
            statement.setString(1, BoundaryMove.APPLICATION_NAME);
            try (StatementWatch.Watched watched = budget.watch(statement); ResultSet row = statement.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "asking whether a move paused boundary {0} failed", tables.boundary());
            return false;
        }
    }

    private void failPaused(List<Pending> batch) {
        LOG.log(System.Logger.Level.INFO, "{0} saves to boundary {1} refused: its writes are paused by a move",
                batch.size(), tables.boundary());
        for (Pending pending : batch) {
            pending.fail(new Unavailable("writes to boundary " + tables.boundary() + " are paused while it moves"
                    + " to another PostgreSQL server; nothing of this save was written, and it may be repeated"
                    + " once the move is done"));
        }
    }

    private OrisunException failure(SQLException e) {
        if (Budget.isExceeded(e)) {
            return budget.exceeded("the save", tables, e);
        }
        if (SqlFailure.isConnectionLevel(e)) {
            return new Unavailable("the database could not be reached while saving to boundary " + tables.boundary()
                    + " (SQLSTATE " + e.getSQLState() + "); the save may have been committed, and repeating it with"
                    + " the same event ids is safe", e);
        }
        return SqlFailure.translate(e, "saving to", tables);
    }

    /** Runs the save function for {@code batch} and answers each request from its result row. */
    private void execute(Connection connection, List<Pending> batch) throws SQLException {
        int total = 0;
        for (Pending pending : batch) {
            total += pending.save().events().size();
        }
        String[] ids = new String[total];
        String[] types = new String[total];
        String[] data = new String[total];
        String[] metadata = new String[total];
        int i = 0;
        for (Pending pending : batch) {
            for (EventToSave event : pending.save().events()) {
                ids[i] = event.eventId();
                types[i] = event.eventType();
                data[i] = event.data();
                metadata[i] = event.metadata();
                i++;
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(saveSql)) {
            statement.setString(1, headers(batch));
            statement.setArray(2, connection.createArrayOf("text", ids));
            statement.setArray(3, connection.createArrayOf("text", types));
            statement.setArray(4, connection.createArrayOf("text", data));
            statement.setArray(5, connection.createArrayOf("text", metadata));
            // The whole result is read before executeQuery returns, and in auto-commit the commit precedes the
            // final reply, so every row below describes committed work.
            try (StatementWatch.Watched watched = budget.watch(statement); ResultSet rows = statement.executeQuery()) {
                for (Pending pending : batch) {
                    if (!rows.next()) {
                        throw new IllegalStateException("the save function of boundary " + tables.boundary()
                                + " returned fewer rows than requests");
                    }
                    answer(pending, rows);
                }
            }
        }
    }

    private void answer(Pending pending, ResultSet row) throws SQLException {
        String outcome = row.getString(1);
        Position first = new Position(row.getLong(2), row.getLong(3));
        Position last = new Position(row.getLong(4), row.getLong(5));
        switch (outcome) {
            case "A" -> pending.succeed(new SaveResult(first, last, false));
            case "R" -> pending.succeed(new SaveResult(first, last, true));
            case "C" -> pending.fail(
                    new ConsistencyViolation(pending.save().check().orElseThrow().expected(), first));
            case "X" -> pending.fail(new AlreadyExists("event_id " + OrisunException.echo(row.getString(6))
                    + " already exists in boundary " + tables.boundary() + " with different content"));
            default -> throw new IllegalStateException("the save function of boundary " + tables.boundary()
                    + " returned the unknown outcome " + outcome);
        }
    }

    /** The JSON array of request headers that the save function reads; see V1__event_log.sql. */
    private static String headers(List<Pending> batch) {
        StringWriter out = new StringWriter(32 * batch.size());
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            for (Pending pending : batch) {
                json.writeStartObject();
                json.writeNumberField("n", pending.save().events().size());
                if (pending.save().check().isPresent()) {
                    PreparedSave.Check check = pending.save().check().get();
                    json.writeArrayFieldStart("e");
                    json.writeNumber(check.expected().transactionId());
                    json.writeNumber(check.expected().globalId());
                    json.writeEndArray();
                    if (!check.predicate().matchesEverything()) {
                        json.writeStringField("p", check.predicate().sql());
                        json.writeArrayFieldStart("v");
                        for (String value : check.predicate().values()) {
                            json.writeString(value);
                        }
                        json.writeEndArray();
                        if (check.seen().isPresent()) {
                            PreparedSave.Seen seen = check.seen().get();
                            json.writeArrayFieldStart("h");
                            json.writeNumber(seen.head().transactionId());
                            json.writeNumber(seen.head().globalId());
                            json.writeNumber(seen.found().transactionId());
                            json.writeNumber(seen.found().globalId());
                            json.writeEndArray();
                            json.writeArrayFieldStart("q");
                            for (Criterion criterion : seen.query().criteria()) {
                                json.writeStartArray();
                                for (Tag tag : criterion.tags()) {
                                    json.writeStartArray();
                                    json.writeString(tag.isEventType() ? "t" : "d");
                                    json.writeString(tag.isEventType() ? "" : tag.key());
                                    json.writeString(tag.value());
                                    json.writeEndArray();
                                }
                                json.writeEndArray();
                            }
                            json.writeEndArray();
                        }
                    }
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a StringWriter failed", e);
        }
        return out.toString();
    }

    /**
     * A queued save and its answer, with the times its stages ended ({@link System#nanoTime()}): {@code taken}
     * written by the flusher under the lock, {@code answered} before the answer completes, so the caller reads both
     * after {@link CompletableFuture#get()}.
     */
    private static final class Pending {
        private final PreparedSave save;
        private final long queued;
        private final CompletableFuture<SaveResult> result = new CompletableFuture<>();
        private long taken;
        private long answered;

        Pending(PreparedSave save, long queued) {
            this.save = save;
            this.queued = queued;
        }

        PreparedSave save() {
            return save;
        }

        CompletableFuture<SaveResult> result() {
            return result;
        }

        void succeed(SaveResult answer) {
            answered = System.nanoTime();
            result.complete(answer);
        }

        void fail(Throwable failure) {
            answered = System.nanoTime();
            result.completeExceptionally(failure);
        }
    }
}
