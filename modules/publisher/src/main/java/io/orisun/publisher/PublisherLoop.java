package io.orisun.publisher;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventLogReader;
import io.orisun.api.LogObserver;
import io.orisun.api.OrisunException;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes one boundary's log to its JetStream stream, on this node, whenever this node holds the boundary's
 * publisher lease.
 *
 * <p>The loop: take the lease (or retry every {@link PublisherSettings#leaseRetry()}) and learn the position of the
 * last event the stream already holds; then repeatedly read the checkpoint (moving it up to that position when it
 * lags, so that nothing the stream holds is published twice), read the next batch after it from the log
 * (ascending, a stable committed prefix), refuse a batch that does not strictly advance, publish it, wait for all
 * acks, and only then move the checkpoint to the batch's last event. When the log has nothing new, wait for a commit
 * notification or the idle tick. Any failure is retried from the checkpoint after a backoff: events are never
 * skipped or reordered, and a republished message is dropped by JetStream's duplicate window.
 *
 * <p>Batch messages. A batch goes out as few messages as its size allows: consecutive events fill one message in the
 * {@link EventBatch} format until it reaches {@value #CHUNK_BYTES} bytes, and the next event starts another; an event
 * too large for NATS even alone travels as its position only. Nothing waits for a batch to fill. Each message's id
 * is that of its last event ({@code <boundary>:<tx>:<gid>}, as the per-event messages of earlier versions), its
 * position headers name that event, and its {@link EventMac MAC} covers the whole body. Every message after the
 * first of a batch expects the stream's last message id to be its predecessor's, that is the stream's last message
 * to end just before its own first event; so a message is stored only where it continues the stream, however a
 * retry splits the events, and a duplicate (the same last event) means the stream holds everything up to it.
 *
 * <p>Fencing. The lease expires when its holder goes quiet for {@link PublisherSettings#leaseTimeout()} (see
 * {@link PublisherSession}), so a paused or cut-off node loses it. A node that resumes must not publish on a lease it
 * no longer has: it proves its session alive before every batch and, within a batch, before the next message once a
 * heartbeat has passed since the last proof; a dead session stops the loop, which must take the lease again. A pause
 * can still fall between the proof and a publish, so JetStream fences as well: the first message of a batch expects
 * the stream's last sequence as this holder last saw it (or, while the stream has never held a message, an empty
 * subject), and every later one its predecessor's message id. Once another holder has added to the stream, the
 * stale holder's messages are refused or dropped as duplicates.
 */
final class PublisherLoop {

    private static final System.Logger LOG = System.getLogger(PublisherLoop.class.getName());

    /** Acks outstanding at once: enough to keep the link busy without an unbounded queue in the client. */
    private static final int ACK_WINDOW = 64;
    /**
     * The size a batch message grows to before the next event starts another, in bytes: far below NATS's default
     * max payload of 1 MiB, so that one message never holds the link for long, and large enough that a publisher
     * batch of small events goes out as one message.
     */
    static final int CHUNK_BYTES = 256 * 1024;
    /** How long a whole batch may take to be acknowledged before the attempt counts as failed. */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** Room for the message's own headers next to the event headers, in bytes. */
    private static final int HEADER_ALLOWANCE = 512;
    /** The start of every publisher session's {@code application_name}: then the node id and the boundary. */
    static final String APPLICATION_PREFIX = "orisun-publisher ";
    /** The header naming the node that published a message, for audits. */
    static final String PUBLISHER_HEADER = "Orisun-Publisher";

    private final BoundarySpec boundary;
    private final LogObserver observer;
    private final EventStream stream;
    private final Connection nats;
    private final EventLogReader log;
    private final PgSessions sessions;
    private final PublisherSettings settings;
    private final LeaseSpread spread;
    /** Used by the loop thread only. */
    private final EventMac.Calculator mac;
    /** Used by the loop thread only. */
    private final EventBatch.Writer writer = new EventBatch.Writer();
    private final long heartbeatNanos;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean leading;
    private volatile PublisherSession session;

    // Touched only by the loop thread.
    private boolean standingBy;
    private String failing;
    private int failures;
    private boolean streamChecked;
    /** When the lease session last proved alive, by {@link System#nanoTime()}. */
    private long lastTouch;
    /** The stream's last sequence as this holder knows it; 0 when unknown or empty (JetStream then checks nothing). */
    private long streamLastSeq;
    /** The position of the last event the stream holds, as this holder knows it; {@link Position#NONE} when none. */
    private Position streamLast = Position.NONE;
    /** Set after the lease was given up to balance the nodes: wait this long before trying it again. */
    private Duration holdOff = Duration.ZERO;

    PublisherLoop(BoundarySpec boundary, Connection nats, EventLogReader log, PgSessions sessions,
                  PublisherSettings settings, LogObserver observer, LeaseSpread spread, EventMac mac) {
        this.mac = mac.calculator();
        this.observer = observer;
        this.boundary = boundary;
        this.stream = EventStream.of(boundary.name());
        this.nats = nats;
        this.log = log;
        this.sessions = sessions;
        this.settings = settings;
        this.spread = spread;
        this.heartbeatNanos = settings.heartbeat().toNanos();
        // A platform thread, like the group-commit flusher: it sits on the path from every commit to its delivery, so it
        // must not queue for a carrier behind the request handlers.
        this.thread = Thread.ofPlatform().daemon().name("orisun-publisher-" + boundary.name()).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Whether this node holds the boundary's publisher lease right now. */
    boolean leading() {
        return leading;
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        while (!stopping) {
            try {
                if (!leading && holdOff.isPositive()) {
                    Duration wait = holdOff;
                    holdOff = Duration.ZERO;
                    pause(wait);
                    continue;
                }
                if (!leading && !takeLease()) {
                    // A standby session is idle between tries too: it must try again before PostgreSQL ends it.
                    Duration delay = spread.standbyDelay();
                    Duration longest = settings.heartbeat().multipliedBy(2);
                    pause(delay.compareTo(longest) > 0 ? longest : delay);
                    continue;
                }
                int published = publishNextBatch();
                if (failing != null) {
                    LOG.log(System.Logger.Level.INFO, "publisher of boundary {0} recovered after {1} failed attempts",
                            boundary.name(), failures);
                    failing = null;
                    failures = 0;
                }
                backoff = FIRST_BACKOFF;
                // A batch shorter than the limit took everything committed when it was read, and whatever committed
                // since has sent a notification, which the wait returns at once: listening, the wait saves an empty
                // read. Polling has no such signal, so it reads again at once.
                if (published == 0 || (settings.listenEnabled() && published < settings.batchSize())) {
                    waitForCommits();
                    maybeYield();
                }
            } catch (SQLException e) {
                if (stopping) {
                    break;
                }
                // The session is suspect: drop it, and with it the lease, rather than guess whether it still holds.
                dropSession("PostgreSQL session failed: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")");
                backoff = failed(e.toString(), backoff);
            } catch (IOException | JetStreamApiException | TimeoutException | ExecutionException e) {
                if (stopping) {
                    break;
                }
                streamChecked = false;
                observer.publishFailed(boundary.name(), e);
                backoff = failed("NATS: " + e, backoff);
            } catch (OrisunException | RefusedBatch e) {
                backoff = failed(e.toString(), backoff);
            } catch (InterruptedException e) {
                if (!stopping) {
                    Thread.currentThread().interrupt();
                    LOG.log(System.Logger.Level.ERROR, "publisher of boundary {0} was interrupted and stops",
                            boundary.name());
                }
                break;
            } catch (RuntimeException e) {
                // The loop is the boundary's only publisher on this node: an unexpected failure (a closed NATS
                // connection, a client-library state error) must cost a retry, not the publisher.
                if (stopping) {
                    break;
                }
                backoff = failed(e.toString(), backoff);
            }
        }
        dropSession("publisher stopped");
    }

    private boolean takeLease() throws SQLException, IOException, JetStreamApiException {
        if (session == null) {
            session = PublisherSession.open(sessions, boundary,
                    APPLICATION_PREFIX + settings.nodeId() + " " + boundary.name(), settings.leaseTimeout());
        }
        if (!session.tryLease()) {
            if (!standingBy) {
                standingBy = true;
                LOG.log(System.Logger.Level.INFO, "boundary {0} is published by another node; node {1} stands by",
                        boundary.name(), settings.nodeId());
            }
            return false;
        }
        standingBy = false;
        leading = true;
        spread.acquired();
        lastTouch = System.nanoTime();
        if (settings.listenEnabled()) {
            session.listen();
        }
        LOG.log(System.Logger.Level.INFO, "node {0} took the publisher lease of boundary {1}; resuming after {2}",
                settings.nodeId(), boundary.name(), session.checkpoint());
        stream.createOrUpdate(nats.jetStreamManagement(), settings.stream());
        readStreamEnd();
        return true;
    }

    /**
     * Learns what the stream already holds: its last sequence (the fence of the first message of the next batch) and
     * the position of its last event. A previous holder may have published past the checkpoint (a crash between the
     * acks and the checkpoint write, or a checkpoint commit lost with {@code synchronous_commit=off}); resuming after
     * the checkpoint alone would republish those events, and JetStream drops them only inside its duplicate window.
     */
    private void readStreamEnd() throws IOException, JetStreamApiException {
        JetStreamManagement jsm = nats.jetStreamManagement();
        streamLastSeq = stream.lastSequence(jsm);
        streamLast = stream.lastPosition(jsm).orElse(Position.NONE);
        streamChecked = true;
    }

    /** Publishes the next batch; returns its size, 0 when the log has nothing after the checkpoint. */
    private int publishNextBatch() throws SQLException, IOException, JetStreamApiException, InterruptedException,
            TimeoutException, ExecutionException, RefusedBatch {
        // Reading the checkpoint on the lease's session also proves the session, and so the lease, is alive: the
        // fence before every batch.
        Position checkpoint = session.checkpoint();
        lastTouch = System.nanoTime();
        if (!streamChecked) {
            // After a NATS failure the stream may be gone (memory streams do not survive a restart).
            stream.ensureExists(nats.jetStreamManagement(), settings.stream());
            readStreamEnd();
        }
        if (streamLast.isAfter(checkpoint) && logHolds(streamLast)) {
            // The stream holds events past the checkpoint: they were acknowledged, so the checkpoint catches up
            // instead of the stream receiving them a second time.
            LOG.log(System.Logger.Level.INFO, "stream of boundary {0} holds events up to {1}, beyond the checkpoint {2};"
                    + " resuming after {1}", boundary.name(), streamLast, checkpoint);
            session.advanceCheckpoint(streamLast);
            checkpoint = streamLast;
        }
        List<Event> batch = log.read(new ReadRequest(boundary.name(), Query.all(), ReadStart.after(checkpoint),
                Direction.ASC, settings.batchSize()));
        if (batch.isEmpty()) {
            return 0;
        }
        requireAdvance(checkpoint, batch);
        return publishProved(batch);
    }

    /**
     * Whether the log holds an event at {@code position}. A stream that outlived its database (a new database
     * behind a long-lived NATS) holds positions of another log, which must not move this log's checkpoint.
     */
    private boolean logHolds(Position position) {
        List<Event> at = log.read(new ReadRequest(boundary.name(), Query.all(), ReadStart.from(position), Direction.ASC,
                1));
        if (!at.isEmpty() && at.getFirst().position().equals(position)) {
            return true;
        }
        LOG.log(System.Logger.Level.WARNING, "stream of boundary {0} ends at {1}, which this log does not hold;"
                + " publishing after the checkpoint", boundary.name(), position);
        streamLast = Position.NONE;
        return false;
    }

    /**
     * Publishes {@code batch}, read after a proof of the lease, and then moves the checkpoint to its last event;
     * returns the batch's size.
     */
    private int publishProved(List<Event> batch) throws SQLException, IOException, JetStreamApiException,
            InterruptedException, TimeoutException, ExecutionException {
        long began = System.nanoTime();
        publish(batch);
        observer.published(boundary.name(), batch.size(), System.nanoTime() - began);
        Position last = batch.getLast().position();
        streamLast = last;
        if (!session.advanceCheckpoint(last)) {
            LOG.log(System.Logger.Level.WARNING, "checkpoint of boundary {0} was already at or beyond {1}",
                    boundary.name(), last);
        }
        return batch.size();
    }

    private void requireAdvance(Position checkpoint, List<Event> batch) throws RefusedBatch {
        Position previous = checkpoint;
        for (Event event : batch) {
            if (!event.position().isAfter(previous)) {
                throw new RefusedBatch("batch of boundary " + boundary.name() + " does not advance: " + event.position()
                        + " follows " + previous);
            }
            previous = event.position();
        }
    }

    /**
     * Publishes {@code batch} as batch messages of consecutive events, each up to {@link #CHUNK_BYTES}, chained to
     * one another, and waits for every ack. Nothing waits for a batch to fill: a short read goes out as it is.
     */
    private void publish(List<Event> batch) throws IOException, JetStreamApiException, InterruptedException,
            TimeoutException, ExecutionException, SQLException {
        JetStream js = nats.jetStream();
        // Room for the message's own headers: a body may take the rest of what NATS accepts.
        long largestBody = nats.getMaxPayload() - HEADER_ALLOWANCE;
        long chunkLimit = Math.min(CHUNK_BYTES, largestBody);
        long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
        ArrayDeque<CompletableFuture<PublishAck>> acks = new ArrayDeque<>(ACK_WINDOW);
        String previousId = null;
        Position previous = null;
        writer.reset();
        try {
            for (Event event : batch) {
                int mark = writer.size();
                writer.add(event);
                if (writer.size() - mark + 1 > largestBody) {
                    // Too large for NATS even alone: publish the position only, so that the stream keeps every id
                    // and subscribers fetch this event from the log.
                    LOG.log(System.Logger.Level.WARNING, "event {0} of boundary {1} ({2} bytes) exceeds the NATS max"
                            + " payload; publishing its position only", event.position(), boundary.name(),
                            writer.size() - mark);
                    writer.dropFrom(mark);
                    writer.addPositionOnly(event.position());
                }
                if (mark > 1 && writer.size() > chunkLimit) {
                    // The event does not fit: what came before it goes out, and it starts the next message.
                    previousId = send(js, writer.takeBefore(mark), previous, previousId, acks, deadline);
                }
                previous = event.position();
            }
            if (previous != null) {
                send(js, writer.takeAll(), previous, previousId, acks, deadline);
            }
            while (!acks.isEmpty()) {
                awaitAck(acks.poll(), deadline);
            }
        } finally {
            acks.forEach(ack -> ack.cancel(false));
        }
    }

    /**
     * Publishes one batch message whose last event is at {@code last}, chained to the message {@code previousId}
     * (null for the batch's first), and returns its id.
     */
    private String send(JetStream js, byte[] body, Position last, String previousId,
                        ArrayDeque<CompletableFuture<PublishAck>> acks, long deadline)
            throws IOException, JetStreamApiException, InterruptedException, TimeoutException, ExecutionException,
            SQLException {
        provedAlive();
        Headers headers = EventMessage.headers(last);
        headers.put(PUBLISHER_HEADER, settings.nodeId());
        headers.put(EventMac.HEADER, mac.tag(boundary.name(), last, body));
        Message message = NatsMessage.builder().subject(stream.subject()).headers(headers).data(body).build();
        String id = EventMessage.messageId(boundary.name(), last);
        PublishOptions.Builder options = PublishOptions.builder().messageId(id).expectedStream(stream.name());
        if (previousId == null) {
            // The fence against a holder that lost its lease between the proof and this publish: once another
            // holder has added to the stream, its last sequence differs and JetStream refuses. A stream that never
            // held a message has last sequence 0, which JetStream does not check; there the subject must still
            // hold no message.
            if (streamLastSeq > 0) {
                options.expectedLastSequence(streamLastSeq);
            } else {
                options.expectedLastSubjectSequence(0);
            }
        } else {
            // Each message names the last event of the one before it, and its own id the last event it carries:
            // JetStream stores it only while the stream's last message ends just before its first event, so the
            // stream stays gap-free and in order with acks in flight, however a retry splits the events. Once one
            // message is refused, the rest of the batch is too. A retry's duplicates are acknowledged before this
            // check, so the chain resumes where the stream stopped.
            options.expectedLastMsgId(previousId);
        }
        acks.add(js.publishAsync(message, options.build()));
        if (acks.size() >= ACK_WINDOW) {
            awaitAck(acks.poll(), deadline);
        }
        return id;
    }

    private void awaitAck(CompletableFuture<PublishAck> pending, long deadline)
            throws InterruptedException, TimeoutException, ExecutionException, IOException, SQLException {
        PublishAck ack;
        while (true) {
            long left = deadline - System.nanoTime();
            try {
                // Waiting in heartbeat slices keeps the lease while a slow stream (a NATS leader election, say)
                // holds the acks back.
                ack = pending.get(Math.max(0, Math.min(left, heartbeatNanos)), TimeUnit.NANOSECONDS);
                break;
            } catch (TimeoutException e) {
                if (left <= heartbeatNanos) {
                    throw e;
                }
                provedAlive();
            }
        }
        if (!stream.name().equals(ack.getStream())) {
            // Another stream captures the subject; its ack says nothing about ours.
            throw new IOException("acknowledged by stream " + ack.getStream() + ", not " + stream.name());
        }
        if (ack.getSeqno() > streamLastSeq) {
            streamLastSeq = ack.getSeqno();
        }
    }

    /**
     * Proves the lease still held when a heartbeat has passed since the last proof; one clock read otherwise.
     *
     * @throws SQLException when the session is gone: the lease is lost, and nothing more may be published
     */
    private void provedAlive() throws SQLException {
        long now = System.nanoTime();
        if (now - lastTouch >= heartbeatNanos) {
            session.touch();
            lastTouch = System.nanoTime();
        }
    }

    /** Gives the lease up when this node holds more than its share, so that boundaries spread over the nodes. */
    private void maybeYield() throws SQLException {
        if (!leading || stopping || spread.held() <= 1 || !spread.yieldDue()) {
            return;
        }
        int nodes = session.publishingNodes();
        lastTouch = System.nanoTime();
        if (spread.shouldYield(nodes)) {
            dropSession("handing the boundary to a node with fewer leases (" + spread.held() + " held, " + nodes
                    + " publishing nodes)");
            holdOff = spread.yieldHoldOff();
        }
    }

    private void waitForCommits() throws SQLException, InterruptedException {
        // An idle wait never outlasts a heartbeat: the next batch's checkpoint read keeps the lease alive.
        Duration wait = settings.idleWait().compareTo(settings.heartbeat()) < 0 ? settings.idleWait()
                : settings.heartbeat();
        if (settings.listenEnabled()) {
            session.awaitNotification(wait);
        } else {
            pause(wait);
        }
    }

    private void pause(Duration duration) throws InterruptedException {
        stopSignal.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Duration failed(String what, Duration backoff) {
        failures++;
        if (!what.equals(failing)) {
            failing = what;
            LOG.log(System.Logger.Level.WARNING, "publisher of boundary {0} failed, retrying from the checkpoint: {1}",
                    boundary.name(), what);
        }
        try {
            pause(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    private void dropSession(String reason) {
        PublisherSession current = session;
        session = null;
        if (leading) {
            leading = false;
            spread.released();
            LOG.log(stopping ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    "node {0} gave up the publisher lease of boundary {1}: {2}", settings.nodeId(), boundary.name(),
                    reason);
        }
        if (current != null) {
            try {
                current.close();
            } catch (SQLException e) {
                // The session was broken already; closing it released the lease all the same.
                current.abort();
            }
        }
    }

    /** Stops the loop and waits for it; the lease is released when its session closes. */
    void stop() {
        stopping = true;
        stopSignal.countDown();
        PublisherSession current = session;
        if (current != null) {
            // Unblocks a wait for notifications; the loop then releases what is left.
            current.abort();
        }
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Test hook: one cycle of the loop on the calling thread, for a loop that was never {@link #start() started}:
     * takes the lease if this loop does not lead, then publishes the next batch.
     *
     * @return the number of events published, or -1 when another node holds the lease
     */
    int cycleForTest() throws Exception {
        if (!leading && !takeLease()) {
            return -1;
        }
        return publishNextBatch();
    }

    /**
     * Test hook: publishes {@code batch} as a holder whose pause fell between its proof of the lease and its
     * publish, so that only JetStream's fence stands between a stale holder and the stream.
     */
    int publishAfterPauseForTest(List<Event> batch) throws Exception {
        lastTouch = System.nanoTime();
        return publishProved(batch);
    }

    /** A batch that would move the checkpoint backwards or repeat a position; retried, never published. */
    static final class RefusedBatch extends Exception {
        RefusedBatch(String message) {
            super(message);
        }
    }
}
