package io.orisun.server.catalog;

import io.orisun.api.BoundarySpec;
import io.orisun.api.Criterion;
import io.orisun.api.Event;
import io.orisun.api.EventLog;
import io.orisun.api.FailedPrecondition;
import io.orisun.api.LatestByCriteria;
import io.orisun.api.Position;
import io.orisun.api.ReadRequest;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The event log of a node that follows boundary moves at once instead of at its next catalog poll.
 *
 * <p>After another node moved a boundary, this node still sends the boundary's calls to the old server until it
 * reads the move, and there the moved tables are gone: the call fails with {@link FailedPrecondition} before it
 * wrote anything. On such a failure this log reads the catalog ({@link BoundaryCatalog#refresh()}); when the
 * boundary turns out to live on another server now, the node has re-pointed it, and the call runs once more, there.
 * Otherwise the failure stands. Repeating a save is safe because the failed one rolled back whole: its tables or its
 * function were missing.
 */
public final class MoveFollowingLog implements EventLog {

    private final EventLog log;
    private final BoundaryRegistry registry;
    private final Runnable refresh;

    /**
     * @param log      the log the calls go to
     * @param registry where this node records each boundary's server
     * @param refresh  reads the catalog now and applies its moves to {@code registry} and {@code log}
     */
    public MoveFollowingLog(EventLog log, BoundaryRegistry registry, Runnable refresh) {
        this.log = log;
        this.registry = registry;
        this.refresh = refresh;
    }

    @Override
    public SaveResult save(SaveRequest request) {
        return followingMoves(request.boundary(), () -> log.save(request));
    }

    @Override
    public List<Event> read(ReadRequest request) {
        return followingMoves(request.boundary(), () -> log.read(request));
    }

    @Override
    public LatestByCriteria latest(String boundary, List<Criterion> criteria) {
        return followingMoves(boundary, () -> log.latest(boundary, criteria));
    }

    @Override
    public long count(String boundary) {
        return followingMoves(boundary, () -> log.count(boundary));
    }

    @Override
    public Position head(String boundary) {
        return followingMoves(boundary, () -> log.head(boundary));
    }

    private <T> T followingMoves(String boundary, Supplier<T> call) {
        Optional<String> before = server(boundary);
        try {
            return call.get();
        } catch (FailedPrecondition e) {
            if (before.isEmpty()) {
                throw e;
            }
            refresh.run();
            if (server(boundary).equals(before)) {
                throw e;
            }
            return call.get();
        }
    }

    private Optional<String> server(String boundary) {
        return registry.find(boundary).map(BoundarySpec::server);
    }
}
