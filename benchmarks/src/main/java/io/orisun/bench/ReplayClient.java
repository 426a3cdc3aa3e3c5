package io.orisun.bench;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.Position;
import java.io.IOException;
import java.io.InputStream;

/**
 * A client of the {@code catch-up-replay} scenario: one catch-up subscription from the beginning of the log, with
 * no query, read as fast as the stream delivers. Each call waits for the next {@link #CHUNK} events (fewer when the
 * replay reaches the head the log had when the scenario began), so the table's latency is the time per chunk and
 * its events/s the replay rate. A replay that reaches that head is cancelled and the next call starts another one
 * from the beginning, so every event counted comes from PostgreSQL, not from the live feed. The events are counted
 * on the transport's own (netty) thread, with no executor or queue in between, so that the client costs as little as
 * it can, and each {@code Event} is read only as far as its position: the tool does not need the strings it
 * carries, and decoding them was a third of its cost per event. Each replay checks that it is complete: with no query, global ids are gap-free, so every event must carry
 * the global id after the previous one's, from 0; a gap, a duplicate or a reordering fails the replay.
 */
final class ReplayClient implements ClosedLoop.Client {

    /** Events per call. */
    static final int CHUNK = 1000;
    private static final Position BEGINNING = Position.newBuilder().setTransactionId(-1).setGlobalId(-1).build();
    /** Orisun's method, whose responses are read only as far as their global id (see {@link GlobalIdOnly}). */
    private static final MethodDescriptor<CatchUpSubscribeToEventStoreRequest, Long> REPLAY =
            EventStoreGrpc.getCatchUpSubscribeToEventsMethod().toBuilder(
                    EventStoreGrpc.getCatchUpSubscribeToEventsMethod().getRequestMarshaller(), new GlobalIdOnly()).build();

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
            ClientCalls.asyncServerStreamingCall(server.channel().newCall(REPLAY, CallOptions.DEFAULT.withExecutor(Runnable::run)),
                    CatchUpSubscribeToEventStoreRequest.newBuilder()
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
    private static final class Replay implements ClientResponseObserver<CatchUpSubscribeToEventStoreRequest, Long> {

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
        public synchronized void onNext(Long event) {
            if (reachedHead || ended) {
                return;
            }
            long globalId = event;
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

    /**
     * Reads an {@code orisun.Event} message for its {@code position.global_id} alone, skipping the other fields
     * unread; an event without a position reads as -1, which fails the replay's order check.
     */
    private static final class GlobalIdOnly implements MethodDescriptor.Marshaller<Long> {

        /** Field 6 ({@code position}), length-delimited; field 2 ({@code global_id}), varint. */
        private static final int EVENT_POSITION = 6 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
        private static final int POSITION_GLOBAL_ID = 2 << 3 | WireFormat.WIRETYPE_VARINT;

        @Override
        public InputStream stream(Long value) {
            throw new UnsupportedOperationException("the replay client sends no events");
        }

        @Override
        public Long parse(InputStream stream) {
            try {
                CodedInputStream in = CodedInputStream.newInstance(stream);
                long globalId = -1;
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    if (tag == EVENT_POSITION) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        globalId = 0; // proto3 leaves a zero out
                        for (int inner = in.readTag(); inner != 0; inner = in.readTag()) {
                            if (inner == POSITION_GLOBAL_ID) {
                                globalId = in.readInt64();
                            } else {
                                in.skipField(inner);
                            }
                        }
                        in.popLimit(limit);
                    } else {
                        in.skipField(tag);
                    }
                }
                return globalId;
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("an event could not be read").withCause(e).asRuntimeException();
            }
        }
    }
}
