package io.orisun.server.observe;

import io.orisun.api.Position;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subscription streams open on this node, and how far each catch-up stream got. The streaming RPCs record
 * their streams here; the metrics and the dashboard read them.
 */
public final class LiveStreams {

    private final Set<CatchUpStream> catchUps = ConcurrentHashMap.newKeySet();
    private final AtomicInteger pubSubs = new AtomicInteger();

    /** Records an open catch-up stream of {@code boundary} that starts after {@code start}. */
    public CatchUpStream catchUpOpened(String boundary, Position start) {
        CatchUpStream stream = new CatchUpStream(boundary, start);
        catchUps.add(stream);
        return stream;
    }

    public void catchUpClosed(CatchUpStream stream) {
        catchUps.remove(stream);
    }

    public void pubSubOpened() {
        pubSubs.incrementAndGet();
    }

    public void pubSubClosed() {
        pubSubs.decrementAndGet();
    }

    /** The open catch-up streams of {@code boundary}. */
    public int activeCatchUps(String boundary) {
        int count = 0;
        for (CatchUpStream stream : catchUps) {
            if (stream.boundary.equals(boundary)) {
                count++;
            }
        }
        return count;
    }

    /** The open pub/sub streams. */
    public int activePubSubs() {
        return pubSubs.get();
    }

    /** The position of the last event sent on the slowest open catch-up stream of {@code boundary}. */
    public Optional<Position> slowestCatchUp(String boundary) {
        Position slowest = null;
        for (CatchUpStream stream : catchUps) {
            if (stream.boundary.equals(boundary) && (slowest == null || stream.delivered.compareTo(slowest) < 0)) {
                slowest = stream.delivered;
            }
        }
        return Optional.ofNullable(slowest);
    }

    /** An open catch-up stream and the position of the last event it sent (written by its own handler only). */
    public static final class CatchUpStream {
        private final String boundary;
        private volatile Position delivered;

        private CatchUpStream(String boundary, Position start) {
            this.boundary = boundary;
            this.delivered = start;
        }

        /** Records that the stream sent the event at {@code position}. */
        public void delivered(Position position) {
            delivered = position;
        }
    }
}
