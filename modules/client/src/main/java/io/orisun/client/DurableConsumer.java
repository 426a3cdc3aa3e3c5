package io.orisun.client;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.EventStoreGrpc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * A subscription that applies each event once, in order, to the application's PostgreSQL database: every event is
 * handled in its own transaction, which also advances this consumer's checkpoint in
 * {@code orisun_consumer_checkpoint}. A crash at any point leaves the projection and the checkpoint consistent;
 * the next start resumes after the checkpoint. Two instances of the same consumer serialise on the checkpoint row
 * and never apply an event twice.
 *
 * <p>Lost connections to the server (a restart, a network failure, an expired token) and failures of the database
 * are retried with jittered backoff, forever, until {@link #close()}. An exception from the handler stops the
 * consumer: {@link #failure()} reports it and the event stays unapplied. So does a refusal that retrying cannot
 * fix: an unknown boundary, an invalid query, a missing role or wrong credentials.
 */
public final class DurableConsumer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DurableConsumer.class.getName());

    private final OrisunClient client;
    private final String boundary;
    private final String name;
    private final Query query;
    private final DataSource dataSource;
    private final EventHandler handler;
    private final Backoff backoff;
    private final Thread thread;
    private final AtomicReference<Position> checkpoint = new AtomicReference<>(Position.NONE);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicReference<Context.CancellableContext> call = new AtomicReference<>();
    private final AtomicLong applied = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    DurableConsumer(OrisunClient client, String boundary, String name, Query query, DataSource dataSource,
                    EventHandler handler, Backoff backoff) {
        this.client = client;
        this.boundary = boundary;
        this.name = name;
        this.query = query;
        this.dataSource = dataSource;
        this.handler = handler;
        this.backoff = backoff;
        this.thread = Thread.ofPlatform().daemon().name("orisun-consumer-" + name).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** The position of the last event applied (committed), {@link Position#NONE} before the first. */
    public Position checkpoint() {
        return checkpoint.get();
    }

    /** How many events this instance applied since it started. */
    public long applied() {
        return applied.get();
    }

    /** What stopped this consumer: the handler's exception or the server's refusal, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Whether the consumer still runs: not closed and not stopped by a handler failure. */
    public boolean isRunning() {
        return stopped.getCount() > 0;
    }

    /** Waits up to {@code timeout} for the consumer to stop; whether it did. */
    public boolean awaitStop(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    /**
     * Stops the subscription. An event being handled is either committed with its checkpoint or rolled back;
     * waits up to 10 seconds for that.
     */
    @Override
    public void close() {
        closed = true;
        Context.CancellableContext current = call.get();
        if (current != null) {
            current.cancel(null);
        }
        try {
            stopped.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            int attempt = 0;
            while (!closed) {
                try {
                    Position after = prepare();
                    checkpoint.set(after);
                    attempt = subscribe(after) ? 0 : attempt;
                } catch (HandlerFailure e) {
                    failure.set(e.getCause());
                    LOG.log(System.Logger.Level.ERROR, "consumer " + name + " of boundary " + boundary
                            + " stopped: its handler failed at " + e.position, e.getCause());
                    return;
                } catch (StatusRuntimeException e) {
                    if (closed) {
                        return;
                    }
                    Status.Code code = e.getStatus().getCode();
                    if (!retriable(code, client.auth().token())) {
                        failure.set(Wire.failure(e));
                        LOG.log(System.Logger.Level.ERROR, "consumer " + name + " of boundary " + boundary
                                + " stopped: the server refused its subscription (" + e.getStatus() + ")");
                        return;
                    }
                    if (code == Status.Code.UNAUTHENTICATED) {
                        client.auth().token().ifPresent(client.auth()::forget);
                    } else if (code == Status.Code.UNAVAILABLE) {
                        client.reconnect();
                    }
                    LOG.log(System.Logger.Level.INFO, "consumer " + name + " of boundary " + boundary
                            + " lost its subscription (" + e.getStatus() + "); reconnecting");
                } catch (SQLException e) {
                    LOG.log(System.Logger.Level.WARNING, "consumer " + name + " could not use its database, retrying: "
                            + e.getMessage());
                }
                if (!closed) {
                    backoff.pause(++attempt);
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                failure.set(e);
                LOG.log(System.Logger.Level.ERROR, "consumer " + name + " of boundary " + boundary + " stopped", e);
            }
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Whether a subscription that ended with {@code code} is worth retrying: not when the request itself is wrong
     * (unknown boundary, bad query, missing role), nor when Basic credentials (no token held) were refused.
     */
    static boolean retriable(Status.Code code, Optional<String> token) {
        return switch (code) {
            case INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, FAILED_PRECONDITION, UNIMPLEMENTED -> false;
            case UNAUTHENTICATED -> token.isPresent();
            default -> true;
        };
    }

    /** Creates the checkpoint table and row when missing; the stored checkpoint. */
    private Position prepare() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute(CheckpointSql.CREATE_TABLE);
            } catch (SQLException e) {
                if (!CheckpointSql.lostCreateRace(e.getSQLState())) {
                    throw e;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(CheckpointSql.INSERT_START)) {
                insert.setString(1, boundary);
                insert.setString(2, name);
                insert.executeUpdate();
            }
            try (PreparedStatement read = connection.prepareStatement(CheckpointSql.READ)) {
                read.setString(1, boundary);
                read.setString(2, name);
                try (ResultSet row = read.executeQuery()) {
                    row.next();
                    return new Position(row.getLong(1), row.getLong(2));
                }
            }
        }
    }

    /** Streams events after {@code after} until the stream ends or fails; whether any event was applied. */
    private boolean subscribe(Position after) throws SQLException {
        CatchUpSubscribeToEventStoreRequest request = CatchUpSubscribeToEventStoreRequest.newBuilder()
                .setBoundary(boundary)
                .setSubscriberName(name)
                .setQuery(Wire.query(query))
                .setAfterPosition(Wire.position(after))
                .build();
        Context.CancellableContext context = Context.current().withCancellation();
        call.set(context);
        if (closed) {
            context.cancel(null);
            return false;
        }
        Context previous = context.attach();
        boolean progressed = false;
        try {
            EventStoreGrpc.EventStoreBlockingStub stub = client.streamingStub();
            Iterator<io.orisun.proto.Event> events = stub.catchUpSubscribeToEvents(request);
            LOG.log(System.Logger.Level.INFO, "consumer " + name + " of boundary " + boundary + " subscribing after "
                    + after);
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement lock = connection.prepareStatement(CheckpointSql.LOCK);
                 PreparedStatement advance = connection.prepareStatement(CheckpointSql.ADVANCE)) {
                connection.setAutoCommit(false);
                lock.setString(1, boundary);
                lock.setString(2, name);
                advance.setString(3, boundary);
                advance.setString(4, name);
                while (!closed && events.hasNext()) {
                    if (apply(connection, lock, advance, Wire.event(events.next()))) {
                        progressed = true;
                    }
                }
            }
            return progressed;
        } finally {
            context.detach(previous);
            context.cancel(null);
        }
    }

    /** Applies {@code event} with the checkpoint in one transaction, unless it is at or before the checkpoint. */
    private boolean apply(Connection connection, PreparedStatement lock, PreparedStatement advance, Event event)
            throws SQLException {
        try {
            Position stored;
            try (ResultSet row = lock.executeQuery()) {
                row.next();
                stored = new Position(row.getLong(1), row.getLong(2));
            }
            if (event.position().compareTo(stored) <= 0) {
                connection.rollback();
                checkpoint.set(stored);
                return false;
            }
            try {
                handler.handle(event, connection);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw new HandlerFailure(event.position(), e);
            }
            advance.setLong(1, event.position().transactionId());
            advance.setLong(2, event.position().globalId());
            advance.executeUpdate();
            connection.commit();
            checkpoint.set(event.position());
            applied.incrementAndGet();
            return true;
        } catch (SQLException e) {
            rollbackQuietly(connection, e);
            throw e;
        }
    }

    private static void rollbackQuietly(Connection connection, SQLException failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** A handler's exception, carried out of the loop. */
    private static final class HandlerFailure extends RuntimeException {
        private final transient Position position;

        HandlerFailure(Position position, Throwable cause) {
            super(cause);
            this.position = position;
        }
    }
}
