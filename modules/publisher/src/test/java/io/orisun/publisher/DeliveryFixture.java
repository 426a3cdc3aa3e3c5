package io.orisun.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.ccc.BoundarySchema;
import io.orisun.ccc.GroupCommitSettings;
import io.orisun.ccc.PgEventLog;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.PostgresFixture;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * A fresh database with migrated boundaries and a real {@link PgEventLog}, a real nats-server, and helpers to
 * write events and to inspect checkpoints and streams, for one test.
 */
final class DeliveryFixture implements AutoCloseable {

    static final StreamSettings STREAM = new StreamSettings(Duration.ofMinutes(5), -1, -1, 1);
    /** The key the fixture's publishers and feeds share. */
    static final EventMac MAC = EventMac.of("delivery-fixture-event-key-0123456789".getBytes(StandardCharsets.UTF_8));

    final PostgresFixture.Database database;
    final HikariDataSource writes;
    final HikariDataSource reads;
    final PgEventLog log;
    final NatsFixture natsServer;
    final List<BoundarySpec> boundaries;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    DeliveryFixture(BoundarySpec... specs) {
        database = PostgresFixture.shared().newDatabase();
        writes = database.pool(4);
        reads = database.pool(8);
        boundaries = List.of(specs);
        for (BoundarySpec spec : specs) {
            BoundarySchema.apply(writes, spec);
        }
        log = new PgEventLog(writes, reads, boundaries, GroupCommitSettings.DEFAULTS);
        natsServer = NatsFixture.start();
    }

    static BoundarySpec boundary(String name) {
        return new BoundarySpec(name, "public", "");
    }

    /** A NATS connection that reconnects for ever, as the server's does; closed with the fixture. */
    Connection connectNats() {
        try {
            Connection connection = Nats.connect(new Options.Builder()
                    .server(natsServer.url())
                    .maxReconnects(-1)
                    .reconnectWait(Duration.ofMillis(100))
                    .connectionTimeout(Duration.ofSeconds(5))
                    .build());
            closeables.add(connection::close);
            return connection;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    PgSessions sessions() {
        return database::connect;
    }

    <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    BoundaryPublishers publishers(String node, int batchSize) {
        BoundaryPublishers publishers = closeLater(new BoundaryPublishers(connectNats(), log, sessions(),
                new PublisherSettings(node, batchSize, true, Duration.ofSeconds(2), Duration.ofMillis(300),
                        PublisherSettings.DEFAULT_LEASE_TIMEOUT, STREAM), MAC));
        boundaries.forEach(publishers::start);
        return publishers;
    }

    CatchUpSubscriptions subscriptions(int ringCapacity, int pageSize) {
        return closeLater(new CatchUpSubscriptions(connectNats(), log,
                new FeedSettings(ringCapacity, 4096, pageSize, Duration.ofMillis(300), STREAM), MAC));
    }

    static EventToSave event(String id, String type, String data) {
        return new EventToSave(id, type, data, "{\"source\": \"test\"}");
    }

    SaveResult append(String boundary, List<EventToSave> events) {
        return log.save(new SaveRequest(boundary, AppendCondition.none(), events));
    }

    /** Appends {@code saves} saves of {@code perSave} events; {@code data} gets the running event number. */
    void appendMany(String boundary, String idPrefix, int saves, int perSave, IntFunction<String> data) {
        int n = 0;
        for (int s = 0; s < saves; s++) {
            List<EventToSave> events = new ArrayList<>(perSave);
            for (int i = 0; i < perSave; i++, n++) {
                events.add(event(idPrefix + n, "Numbered", data.apply(n)));
            }
            append(boundary, events);
        }
    }

    List<Event> all(String boundary, Query query) {
        List<Event> events = new ArrayList<>();
        Position after = Position.NONE;
        while (true) {
            List<Event> page = log.read(new ReadRequest(boundary, query, ReadStart.after(after), Direction.ASC, 10_000));
            events.addAll(page);
            if (page.size() < 10_000) {
                return events;
            }
            after = page.getLast().position();
        }
    }

    Position checkpoint(String boundary) {
        try (var connection = database.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT transaction_id, global_id FROM public.\"" + boundary
                             + "_orisun_last_published_event_position\"");
             ResultSet row = statement.executeQuery()) {
            row.next();
            return new Position(row.getLong(1), row.getLong(2));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void setCheckpoint(String boundary, Position position) {
        try (var connection = database.connect();
             PreparedStatement statement = connection.prepareStatement("UPDATE public.\"" + boundary
                     + "_orisun_last_published_event_position\" SET transaction_id = ?, global_id = ?")) {
            statement.setLong(1, position.transactionId());
            statement.setLong(2, position.globalId());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many sessions hold a granted advisory lock and are publisher sessions of {@code boundary}. */
    int leaseHolders(String boundary) {
        try (var connection = database.connect();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                      WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE ?""")) {
            statement.setString(1, "orisun-publisher % " + boundary);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Terminates every publisher session of the database, as an operator or a network failure would. */
    int terminatePublisherSessions() {
        try (var connection = database.connect();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                      WHERE datname = current_database() AND application_name LIKE 'orisun-publisher %'""")) {
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes the boundary's stream forget the message ids it has seen, as if its duplicate window had passed: the
     * window is shortened to a moment, and the call returns once JetStream no longer holds an id of the stream.
     * A holder that takes the lease afterwards sets the window back to its configured length.
     */
    void passDuplicateWindow(String boundary) {
        Connection nats = connectNats();
        String name = EventStream.of(boundary).name();
        try {
            JetStreamManagement jsm = nats.jetStreamManagement();
            StreamConfiguration configuration = jsm.getStreamInfo(name).getConfiguration();
            jsm.updateStream(StreamConfiguration.builder(configuration).duplicateWindow(Duration.ofMillis(100)).build());
            // JetStream drops expired ids on a timer; a second is many of the shortened windows.
            Thread.sleep(1_000);
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every message of the boundary's stream, in stream order. */
    List<Message> streamMessages(String boundary) {
        Connection nats = connectNats();
        String name = EventStream.of(boundary).name();
        try {
            StreamInfo info = nats.jetStreamManagement().getStreamInfo(name);
            long count = info.getStreamState().getMsgCount();
            List<Message> messages = new ArrayList<>();
            if (count == 0) {
                return messages;
            }
            JetStreamSubscription subscription = nats.jetStream().subscribe(EventStream.of(boundary).subjects(),
                    PushSubscribeOptions.builder().stream(name).ordered(true).build());
            while (messages.size() < count) {
                Message message = subscription.nextMessage(Duration.ofSeconds(10));
                assertThat(message).as("message %d of %d of stream %s", messages.size() + 1, count, name).isNotNull();
                messages.add(message);
            }
            subscription.unsubscribe();
            return messages;
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The entries of a stream message, which must be well formed. */
    static List<StreamEntry> entries(Message message) {
        return EventMessage.entries(message).orElseThrow(() -> new AssertionError("a malformed stream message"));
    }

    /** The global ids of the boundary's stream, event by event, in stream order. */
    List<Long> streamGlobalIds(String boundary) {
        return streamMessages(boundary).stream().flatMap(m -> entries(m).stream())
                .map(entry -> entry.position().globalId())
                .toList();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // Best effort: the next resource still closes.
            }
        }
        log.close();
        reads.close();
        writes.close();
        natsServer.close();
    }
}
