package io.orisun.bench;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Event;
import io.orisun.proto.Position;

/**
 * A client of the {@code catch-up-replay} scenario: one catch-up subscription from the beginning of the log, with
 * no query, read as fast as the stream delivers. Each call waits for the next {@link #CHUNK} events (fewer when the
 * replay reaches the head the log had when the scenario began), so the table's latency is the time per chunk and
 * its events/s the replay rate. A replay that reaches that head is cancelled and the next call starts another one
 * from the beginning, so every event counted comes from PostgreSQL, not from the live feed. The events are counted
 * on the transport's own (netty) thread, with no executor or queue in between, so that the client costs as little as
 * it can. Each replay checks that it is complete: with no query, global ids are gap-free, so every event must carry
 * the global id after the previous one's, from 0; a gap, a duplicate or a reordering fails the replay.
 */
final class ReplayClient implements ClosedLoop.Client {

    /** Events per call. */
    static final int CHUNK = 1000;
    private static final Position BEGINNING = Position.newBuilder().setTransactionId(-1).setGlobalId(-1).build();

    private final ServerConnection server;
    private final String boundary;
    private final String namePrefix;
    private final long headGlobalId;
    private Replay replay;
    private int replays;

    ReplayClient(ServerConnection server, String boundary, String runId, int clients, int client, long headGlobalId) {
        this.server = server;
        this.boundary = boundary;
        this.namePrefix = "orisun-bench-replay-" + runId + "-" + clients + "-" + client + "-";
        this.headGlobalId = headGlobalId;
    }

    @Override
    public int call(long iteration) throws Exception {
        if (replay == null) {
            replay = new Replay(headGlobalId);
            // The events are counted on the transport's own thread: with the channel's default executor, every
            // message would take two thread hand-offs (deliver it, then ask the transport for the next one).
            server.eventStoreAsync().withExecutor(Runnable::run).catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest.newBuilder()
                    .setBoundary(boundary)
                    .setSubscriberName(namePrefix + replays++)
                    .setAfterPosition(BEGINNING)
                    .build(), replay);
        }
        int received = replay.next(CHUNK);
        if (replay.done()) {
            close();
        }
        return received;
    }

    @Override
    public void close() {
        if (replay != null) {
            replay.cancel();
            replay = null;
        }
    }

    /** One replay: counts events as they arrive; {@link #next} hands them out in chunks. */
    private static final class Replay implements ClientResponseObserver<CatchUpSubscribeToEventStoreRequest, Event> {

        private final long headGlobalId;
        private long nextGlobalId;
        private long received;
        private long taken;
        private boolean reachedHead;
        private Throwable failure;
        private boolean ended;
        private volatile ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> call;

        Replay(long headGlobalId) {
            this.headGlobalId = headGlobalId;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> requestStream) {
            call = requestStream;
        }

        @Override
        public synchronized void onNext(Event event) {
            if (reachedHead || ended) {
                return;
            }
            long globalId = event.getPosition().getGlobalId();
            if (globalId != nextGlobalId) {
                failure = new IllegalStateException("the replay delivered global id " + globalId + " where "
                        + nextGlobalId + " was due");
                ended = true;
                notifyAll();
                cancel();
                return;
            }
            nextGlobalId++;
            received++;
            if (globalId >= headGlobalId) {
                reachedHead = true;
            }
            if (reachedHead || received - taken >= CHUNK) {
                notifyAll();
            }
        }

        @Override
        public synchronized void onError(Throwable t) {
            if (failure == null) {
                failure = t;
            }
            ended = true;
            notifyAll();
        }

        @Override
        public synchronized void onCompleted() {
            ended = true;
            notifyAll();
        }

        /** Waits for up to {@code chunk} more events; throws when the stream failed before any. */
        synchronized int next(int chunk) throws Exception {
            while (received - taken < chunk && !reachedHead && !ended) {
                wait();
            }
            int count = (int) Math.min(chunk, received - taken);
            taken += count;
            if (failure != null && (count == 0 || failure instanceof IllegalStateException)) {
                throw new IllegalStateException("the replay failed: " + failure, failure);
            }
            if (count == 0) {
                throw new IllegalStateException("the replay ended before reaching the head");
            }
            return count;
        }

        synchronized boolean done() {
            return (reachedHead || ended) && taken == received;
        }

        void cancel() {
            ClientCallStreamObserver<CatchUpSubscribeToEventStoreRequest> started = call;
            if (started != null) {
                started.cancel("the benchmark is over", null);
            }
        }
    }
}
