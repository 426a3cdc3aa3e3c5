package io.orisun.client;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.orisun.proto.Direction;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.GetServerInfoRequest;
import io.orisun.proto.GetServerInfoResponse;
import io.orisun.proto.PingRequest;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.SaveQuery;
import io.orisun.proto.WriteResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * A connection to one Orisun server or several (calls are spread round robin over the targets). It is thread-safe
 * and meant to be shared; close it when done.
 *
 * <p>Every call authenticates with the user's Basic credentials once, then with the session token the server
 * returns ({@code x-auth-token}), keeping the newest one. When the server no longer accepts the token (expired,
 * or revoked by a password change), the call is repeated once with Basic credentials. Unary calls have a deadline
 * ({@link Builder#deadline}, 30 s by default), wait for a connection while the server is unreachable, and are
 * retried on {@code UNAVAILABLE} within {@link Builder#reconnectTimeout}: saves are safe to repeat because the
 * server recognises a save with the same event ids and content as a retry.
 *
 * <p>Failures are {@link OrisunClientException}s carrying the gRPC status code; a rejected conditional save is a
 * {@link ContextChangedException} with the expected and the actual position.
 */
public final class OrisunClient implements AutoCloseable {

    private static final int PAGE = 1_000;

    static {
        NameResolverRegistry.getDefaultRegistry().register(new StaticTargets());
    }

    private final ManagedChannel channel;
    private final SessionAuth auth;
    private final EventStoreGrpc.EventStoreBlockingStub stub;
    private final Duration deadline;
    private final Duration reconnectTimeout;
    private final int maxAttempts;
    private final Backoff conflictBackoff;
    private final Backoff reconnectBackoff;
    private final List<DurableConsumer> consumers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong lastReset = new AtomicLong(System.nanoTime());

    private OrisunClient(Builder builder) {
        ChannelCredentials credentials = builder.credentials();
        this.channel = Grpc.newChannelBuilder(StaticTargets.target(builder.targets), credentials)
                .defaultLoadBalancingPolicy(builder.targets.size() > 1 ? "round_robin" : "pick_first")
                .maxInboundMessageSize(builder.maxMessageBytes)
                .build();
        this.auth = new SessionAuth(builder.username, builder.password);
        Channel authenticated = ClientInterceptors.intercept(channel, auth);
        this.stub = EventStoreGrpc.newBlockingStub(authenticated).withWaitForReady();
        this.deadline = builder.deadline;
        this.reconnectTimeout = builder.reconnectTimeout;
        this.maxAttempts = builder.maxAttempts;
        this.conflictBackoff = new Backoff(builder.conflictBackoffInitial, builder.conflictBackoffMax);
        this.reconnectBackoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        watch(ConnectivityState.IDLE);
    }

    /**
     * Keeps the channel connecting: whenever it turns idle (a server closed the connection), it asks for a
     * connection again, so that calls waiting for one do not wait for their deadline.
     */
    private void watch(ConnectivityState seen) {
        if (channel.isShutdown()) {
            return;
        }
        ConnectivityState now = channel.getState(seen == ConnectivityState.IDLE);
        channel.notifyWhenStateChanged(now, () -> watch(channel.getState(false)));
    }

    /** A builder for a client; at least one target and the credentials are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Checks that the server answers and accepts the credentials. */
    public void ping() {
        unary(s -> s.ping(PingRequest.getDefaultInstance()), Wire::failure);
    }

    /** The version and node id of the server that answers this call (targets take turns). */
    public ServerInfo serverInfo() {
        GetServerInfoResponse info = unary(s -> s.getServerInfo(GetServerInfoRequest.getDefaultInstance()),
                Wire::failure);
        return new ServerInfo(info.getVersion(), info.getGitCommit(), info.getNodeId());
    }

    /** Appends {@code events} atomically and unconditionally; the position of the last one. */
    public Position append(String boundary, List<EventToSave> events) {
        SaveEventsRequest request = SaveEventsRequest.newBuilder().setBoundary(boundary)
                .addAllEvents(Wire.toSave(events)).build();
        return save(request);
    }

    /**
     * Appends {@code events} atomically if the newest event matching {@code context} is still at {@code expected}
     * ({@link Position#NONE}: no event matches yet); the position of the last event written.
     *
     * @throws ContextChangedException if the context moved; nothing was written
     * @throws IllegalArgumentException if {@code context} matches every event, which the server would not check
     */
    public Position append(String boundary, Query context, Position expected, List<EventToSave> events) {
        if (context.matchesAll()) {
            throw new IllegalArgumentException("a conditional save needs a query with at least one criterion");
        }
        SaveEventsRequest request = SaveEventsRequest.newBuilder()
                .setBoundary(boundary)
                .setQuery(SaveQuery.newBuilder().setExpectedPosition(Wire.position(expected))
                        .setSubsetQuery(Wire.query(context)))
                .addAllEvents(Wire.toSave(events))
                .build();
        return save(request);
    }

    private Position save(SaveEventsRequest request) {
        if (request.getEventsCount() == 0) {
            throw new IllegalArgumentException("a save needs at least one event");
        }
        WriteResult result = unary(s -> s.saveEvents(request), Wire::saveFailure);
        return Wire.position(result.getLogPosition());
    }

    /** Every event matching {@code query}, oldest first (read in pages). */
    public List<Event> read(String boundary, Query query) {
        return readAfter(boundary, query, Position.NONE, Integer.MAX_VALUE);
    }

    /** Up to {@code limit} events matching {@code query} after {@code after} (exclusive), oldest first. */
    public List<Event> readAfter(String boundary, Query query, Position after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        List<Event> events = new ArrayList<>();
        Position cursor = after;
        while (events.size() < limit) {
            int count = Math.min(PAGE, limit - events.size());
            GetEventsRequest.Builder request = GetEventsRequest.newBuilder().setBoundary(boundary)
                    .setQuery(Wire.query(query)).setCount(count).setDirection(Direction.ASC);
            if (!cursor.isNone()) {
                request.setAfterPosition(Wire.position(cursor));
            }
            GetEventsRequest built = request.build();
            List<Event> page = Wire.events(unary(s -> s.getEvents(built), Wire::failure));
            events.addAll(page);
            if (page.size() < count) {
                break;
            }
            cursor = page.getLast().position();
        }
        return events;
    }

    /** The newest event matching {@code query}, if any. */
    public Optional<Event> readLast(String boundary, Query query) {
        GetEventsRequest request = GetEventsRequest.newBuilder().setBoundary(boundary).setQuery(Wire.query(query))
                .setCount(1).setDirection(Direction.DESC).build();
        List<Event> events = Wire.events(unary(s -> s.getEvents(request), Wire::failure));
        return events.isEmpty() ? Optional.empty() : Optional.of(events.getFirst());
    }

    /**
     * Runs one check-decide-record step: reads every event of {@code context}, calls {@code decider} with them and
     * the context's position, and saves its events conditionally on that position. On a conflict it waits a
     * jittered, growing time, reads again and decides again, up to {@link Builder#maxAttempts} times.
     *
     * @throws ContextChangedException when every attempt conflicted
     * @throws IllegalArgumentException if {@code context} matches every event
     */
    public DecideResult decide(String boundary, Query context, Decider decider) {
        requireContext(context);
        for (int attempt = 1; ; attempt++) {
            List<Event> events = read(boundary, context);
            Position position = events.isEmpty() ? Position.NONE : events.getLast().position();
            List<EventToSave> decided = List.copyOf(decider.decide(Collections.unmodifiableList(events), position));
            Optional<DecideResult> result = record(boundary, context, position, decided, attempt);
            if (result.isPresent()) {
                return result.get();
            }
        }
    }

    /**
     * {@link #decide(String, Query, Decider)} over a folded state: starts from the snapshot of {@code context} in
     * {@code snapshots} (or {@link StatefulDecider#initial()}), folds only the events after it, and stores the
     * new state whenever events were folded.
     */
    public <S> DecideResult decide(String boundary, Query context, StatefulDecider<S> decider,
                                   SnapshotStore<S> snapshots) {
        requireContext(context);
        for (int attempt = 1; ; attempt++) {
            Snapshot<S> start = snapshots.load(context).orElseGet(() -> new Snapshot<>(decider.initial(), Position.NONE));
            S state = start.state();
            Position position = start.position();
            List<Event> events = readAfter(boundary, context, position, Integer.MAX_VALUE);
            for (Event event : events) {
                state = decider.evolve(state, event);
                position = event.position();
            }
            if (!events.isEmpty()) {
                snapshots.save(context, new Snapshot<>(state, position));
            }
            List<EventToSave> decided = List.copyOf(decider.decide(state, position));
            Optional<DecideResult> result = record(boundary, context, position, decided, attempt);
            if (result.isPresent()) {
                return result.get();
            }
        }
    }

    /** Saves a decision; empty after a conflict that leaves attempts, otherwise the result or the conflict. */
    private Optional<DecideResult> record(String boundary, Query context, Position position, List<EventToSave> decided,
                                          int attempt) {
        if (decided.isEmpty()) {
            return Optional.of(new DecideResult(decided, Optional.empty(), attempt));
        }
        try {
            Position written = append(boundary, context, position, decided);
            return Optional.of(new DecideResult(decided, Optional.of(written), attempt));
        } catch (ContextChangedException conflict) {
            if (attempt >= maxAttempts) {
                throw conflict;
            }
            conflictBackoff.pause(attempt);
            return Optional.empty();
        }
    }

    private static void requireContext(Query context) {
        if (context.matchesAll()) {
            throw new IllegalArgumentException("decide needs a context query with at least one criterion");
        }
    }

    /**
     * Appends {@code events} to stream {@code streamId} if it is at {@code expected}; the stream's new version.
     * The stream is the set of events whose data field {@code orisun_stream_id} is the stream id; each event also
     * gets {@code orisun_stream_version}. Event data may not use these two fields. With
     * {@link ExpectedVersion.Any} a concurrent append makes this one retry on the new version.
     *
     * @throws WrongExpectedVersionException if the stream is not at {@code expected}; nothing was written
     */
    public long appendToStream(String boundary, String streamId, ExpectedVersion expected, List<EventToSave> events) {
        StreamTags.validStreamId(streamId);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("an append needs at least one event");
        }
        Query stream = StreamTags.query(streamId);
        for (int attempt = 1; ; attempt++) {
            Optional<Event> last = readLast(boundary, stream);
            long current = last.map(StreamTags::version).orElse(-1L);
            boolean matches = switch (expected) {
                case ExpectedVersion.NoStream noStream -> current == -1;
                case ExpectedVersion.Exact exact -> current == exact.version();
                case ExpectedVersion.Any any -> true;
            };
            if (!matches) {
                throw new WrongExpectedVersionException(streamId, expected, current);
            }
            List<EventToSave> stamped = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                stamped.add(StreamTags.stamp(events.get(i), streamId, current + 1 + i));
            }
            try {
                append(boundary, stream, last.map(Event::position).orElse(Position.NONE), stamped);
                return current + events.size();
            } catch (ContextChangedException conflict) {
                if (!(expected instanceof ExpectedVersion.Any) || attempt >= maxAttempts) {
                    long actual = readLast(boundary, stream).map(StreamTags::version).orElse(-1L);
                    throw new WrongExpectedVersionException(streamId, expected, actual);
                }
                conflictBackoff.pause(attempt);
            }
        }
    }

    /** The events of stream {@code streamId} from version {@code fromVersion} on, in version order. */
    public List<StreamEvent> readStream(String boundary, String streamId, long fromVersion) {
        StreamTags.validStreamId(streamId);
        List<StreamEvent> stream = new ArrayList<>();
        for (Event event : read(boundary, StreamTags.query(streamId))) {
            long version = StreamTags.version(event);
            if (version >= fromVersion) {
                stream.add(new StreamEvent(streamId, version, event));
            }
        }
        return stream;
    }

    /** Every event of stream {@code streamId}, in version order; empty when the stream does not exist. */
    public List<StreamEvent> readStream(String boundary, String streamId) {
        return readStream(boundary, streamId, 0);
    }

    /**
     * Starts a durable consumer: a catch-up subscription to the events of {@code boundary} matching {@code query},
     * each applied by {@code handler} in one transaction of {@code dataSource} (a PostgreSQL database) together
     * with the consumer's checkpoint. It resumes after the stored checkpoint of ({@code boundary}, {@code name}),
     * so every event is applied exactly once across restarts. The name is also the server-side subscriber name,
     * of which a node allows one live subscription at a time. Closing the client closes its consumers.
     */
    public DurableConsumer consume(String boundary, String name, Query query, DataSource dataSource,
                                   EventHandler handler) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a consumer needs a non-blank name");
        }
        DurableConsumer consumer = new DurableConsumer(this, boundary, name, query, dataSource, handler,
                reconnectBackoff);
        consumers.add(consumer);
        consumer.start();
        return consumer;
    }

    SessionAuth auth() {
        return auth;
    }

    /** A stub without a deadline, for subscriptions. */
    EventStoreGrpc.EventStoreBlockingStub streamingStub() {
        return stub;
    }

    private <T> T unary(Function<EventStoreGrpc.EventStoreBlockingStub, T> rpc,
                        Function<StatusRuntimeException, OrisunClientException> failure) {
        long giveUp = System.nanoTime() + reconnectTimeout.toNanos();
        boolean loggedInAgain = false;
        for (int attempt = 1; ; attempt++) {
            Optional<String> token = auth.token();
            try {
                return rpc.apply(stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code == Status.Code.UNAUTHENTICATED && token.isPresent() && !loggedInAgain) {
                    auth.forget(token.get());
                    loggedInAgain = true;
                    continue;
                }
                if (code == Status.Code.UNAVAILABLE && System.nanoTime() - giveUp < 0) {
                    reconnect();
                    reconnectBackoff.pause(attempt);
                    continue;
                }
                throw failure.apply(e);
            }
        }
    }

    /**
     * Drops every connection after a call failed with {@code UNAVAILABLE}, at most once a second, so that the
     * next calls connect afresh: to a restarted server instead of a connection the old one is still closing, and
     * to every target again, which the round-robin policy does not do by itself for a target that went away.
     */
    void reconnect() {
        long last = lastReset.get();
        long now = System.nanoTime();
        if (now - last > TimeUnit.SECONDS.toNanos(1) && lastReset.compareAndSet(last, now)) {
            channel.enterIdle();
        }
    }

    /** Closes the consumers, then the connections; in-flight calls are cancelled after 5 seconds. */
    @Override
    public void close() {
        List<DurableConsumer> open;
        synchronized (consumers) {
            open = List.copyOf(consumers);
        }
        open.forEach(DurableConsumer::close);
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Settings of a client. */
    public static final class Builder {
        private final List<StaticTargets.HostAndPort> targets = new ArrayList<>();
        private String username;
        private String password;
        private Path trustedCertificates;
        private Path clientCertificate;
        private Path clientKey;
        private boolean tls;
        private Duration deadline = Duration.ofSeconds(30);
        private Duration reconnectTimeout = Duration.ofSeconds(30);
        private int maxAttempts = 10;
        private Duration conflictBackoffInitial = Duration.ofMillis(5);
        private Duration conflictBackoffMax = Duration.ofMillis(500);
        private int maxMessageBytes = 64 * 1024 * 1024;

        private Builder() {
        }

        /** Adds a server at {@code host}:{@code port}. */
        public Builder target(String host, int port) {
            targets.add(new StaticTargets.HostAndPort(host, port));
            return this;
        }

        /** Adds servers given as {@code host:port}. */
        public Builder targets(String... hostAndPorts) {
            for (String target : hostAndPorts) {
                targets.add(StaticTargets.HostAndPort.parse(target));
            }
            return this;
        }

        /** The user to authenticate as. */
        public Builder credentials(String username, String password) {
            if (username == null || username.isBlank() || username.contains(":")) {
                throw new IllegalArgumentException("a username is non-blank and has no ':'");
            }
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("a password is required");
            }
            this.username = username;
            this.password = password;
            return this;
        }

        /** Uses TLS, trusting the JDK's default certificate authorities. */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /** Uses TLS, trusting the certificate authorities in {@code caPem} (PEM). */
        public Builder tls(Path caPem) {
            this.tls = true;
            this.trustedCertificates = caPem;
            return this;
        }

        /** Presents the client certificate {@code certificatePem} with its key {@code keyPem} (PKCS#8 PEM). */
        public Builder clientCertificate(Path certificatePem, Path keyPem) {
            this.tls = true;
            this.clientCertificate = certificatePem;
            this.clientKey = keyPem;
            return this;
        }

        /** The deadline of every unary call (30 s by default). */
        public Builder deadline(Duration deadline) {
            this.deadline = positive(deadline, "deadline");
            return this;
        }

        /** How long unary calls keep retrying while the server is unavailable (30 s by default). */
        public Builder reconnectTimeout(Duration timeout) {
            this.reconnectTimeout = positive(timeout, "reconnect timeout");
            return this;
        }

        /** How many times {@code decide} and {@code appendToStream} read and try after conflicts (10 by default). */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("max attempts must be at least 1, got " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** The jittered backoff after a conflict: up to {@code initial}, doubling up to {@code max}. */
        public Builder conflictBackoff(Duration initial, Duration max) {
            new Backoff(initial, max);
            this.conflictBackoffInitial = initial;
            this.conflictBackoffMax = max;
            return this;
        }

        /** The largest response accepted (64 MiB by default, as the server's default limit). */
        public Builder maxMessageBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("max message size must be at least 1024 bytes, got " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /** The client; fails when no target or credentials were given, or a TLS file cannot be read. */
        public OrisunClient build() {
            if (targets.isEmpty()) {
                throw new IllegalStateException("an Orisun client needs at least one target");
            }
            if (username == null) {
                throw new IllegalStateException("an Orisun client needs credentials");
            }
            return new OrisunClient(this);
        }

        private ChannelCredentials credentials() {
            if (!tls) {
                return InsecureChannelCredentials.create();
            }
            try {
                TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
                if (trustedCertificates != null) {
                    builder.trustManager(trustedCertificates.toFile());
                }
                if (clientCertificate != null) {
                    builder.keyManager(clientCertificate.toFile(), clientKey.toFile());
                }
                return builder.build();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the TLS files: " + e.getMessage(), e);
            }
        }

        private static Duration positive(Duration duration, String what) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + duration);
            }
            return duration;
        }
    }
}
