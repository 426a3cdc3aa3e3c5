package io.orisun.server.catalog;

import io.orisun.api.BoundarySpec;
import io.orisun.api.FailedPrecondition;
import io.orisun.api.InvalidRequest;
import io.orisun.api.OrisunException;
import io.orisun.api.Position;
import io.orisun.api.Unavailable;
import io.orisun.ccc.BoundaryMove;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Moves a boundary to another PostgreSQL server while the deployment runs, in this order:
 * <ol>
 *   <li>pause the boundary's writes on the source ({@link BoundaryMove#pause}, on the source's admin pool, which
 *       reaches PostgreSQL directly, not through a transaction-mode pooler);</li>
 *   <li>copy the log to the target and verify it by count and checksum ({@link BoundaryMove#copy});</li>
 *   <li>record {@code $BoundaryMoved} in the catalog, with the consistency check on the boundary's catalog events,
 *       so that of two concurrent moves at most one is recorded;</li>
 *   <li>serve the boundary from the target on this node (the registry's move listeners); other nodes follow on
 *       their next read of the catalog;</li>
 *   <li>retire the source's tables ({@link BoundaryMove#retireSource}), so a node that has not followed yet fails
 *       its saves instead of writing to the old copy;</li>
 *   <li>release the pause.</li>
 * </ol>
 * A failure before the catalog record releases the pause, drops what the move created on the target
 * ({@link BoundaryMove#dropTarget}) and leaves the source as it was, in use and writable: the move can simply be
 * tried again. One move per boundary runs on a node at a time.
 */
public final class BoundaryMover {

    private static final System.Logger LOG = System.getLogger(BoundaryMover.class.getName());

    /** How long a move waits for the saves under way to let go of the boundary's writer lock. */
    static final Duration PAUSE_WAIT = Duration.ofSeconds(10);

    private final BoundaryCatalog catalog;
    private final Function<BoundarySpec, DataSource> admin;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    /**
     * @param catalog the catalog the move is recorded in, which also tells this node's registry
     * @param admin   the admin pool of the server a boundary spec names: direct connections, with the right to create
     *                schemas
     */
    public BoundaryMover(BoundaryCatalog catalog, Function<BoundarySpec, DataSource> admin) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    /**
     * What a move did.
     *
     * @param boundary      the boundary
     * @param from          the server it was on
     * @param to            the server it is on now
     * @param events        the events copied
     * @param head          the position of the last copied event
     * @param checksum      the SHA-256 of the copied log, as both servers computed it
     * @param copyTime      how long the copy took
     * @param verifyTime    how long the verification took
     * @param pauseTime     how long the boundary's writes were paused, from the lock taken to the lock released
     * @param retiredSchema the schema on {@code from} that holds the retired tables, to drop once the move is
     *                      confirmed
     */
    public record Moved(String boundary, String from, String to, long events, Position head, String checksum,
                        Duration copyTime, Duration verifyTime, Duration pauseTime, String retiredSchema) {
    }

    /**
     * Moves {@code boundary} to the server named {@code server}.
     *
     * @throws InvalidRequest     for an invalid name, the admin boundary, a server that is not configured, or the
     *                            server the boundary is on already
     * @throws io.orisun.api.NotFound when no boundary has that name
     * @throws FailedPrecondition when a move of the boundary runs already, the boundary is not ACTIVE, the target
     *                            holds the boundary already, the copy differs from the source, or another move was
     *                            recorded first
     * @throws io.orisun.api.BudgetExceeded when the writer lock was not free in time, or a copy statement ran past
     *                            its budget
     * @throws io.orisun.api.Unavailable when a server cannot be reached
     */
    public Moved move(String boundary, String server) {
        String name = BoundarySpec.requireBoundaryName(boundary);
        String to = server.strip();
        if (name.equals(catalog.adminBoundary())) {
            throw new InvalidRequest("the admin boundary " + name + " holds the users and the catalog; it stays on"
                    + " the default server");
        }
        if (to.isEmpty()) {
            throw new InvalidRequest("server is required: the PostgreSQL server to move the boundary to");
        }
        if (!catalog.servers().contains(to)) {
            throw new InvalidRequest("server '" + OrisunException.echo(to) + "' is not configured; the servers are "
                    + String.join(", ", catalog.servers()));
        }
        BoundarySpec from = catalog.served(name);
        if (from.server().equals(to)) {
            throw new InvalidRequest("boundary " + name + " is on server " + to + " already");
        }
        if (!running.add(name)) {
            throw new FailedPrecondition("a move of boundary " + name + " is running already");
        }
        try {
            return move(from, to);
        } finally {
            running.remove(name);
        }
    }

    private Moved move(BoundarySpec from, String to) {
        Position expected = catalog.placementPosition(from.name());
        BoundaryMove move = new BoundaryMove(from, admin.apply(from), admin.apply(from.onServer(to)));
        LOG.log(System.Logger.Level.INFO, "moving boundary {0} from PostgreSQL server {1} to {2}", from.name(),
                from.server(), to);
        long paused;
        BoundaryMove.Copied copied;
        String retired;
        BoundaryMove.Pause pause = move.pause(PAUSE_WAIT);
        paused = System.nanoTime();
        try {
            // Under the pause: a move that ran on another node before this one took the lock is seen here, and so
            // is the copy it left on the target, which must not be dropped.
            if (!catalog.placementPosition(from.name()).equals(expected)) {
                throw new FailedPrecondition("the catalog changed about boundary " + from.name() + " while the move"
                        + " waited for its writers (another move?); nothing was changed");
            }
            BoundaryMove.TargetBefore before = move.inspectTarget();
            try {
                copied = move.copy(pause);
            } catch (RuntimeException e) {
                throw undo(move, pause, before, from, to, e);
            }
            try {
                catalog.recordMove(from, to, copied.checksum(), copied.head(), expected);
            } catch (FailedPrecondition e) {
                // Another move was recorded first: this one was not.
                throw undo(move, pause, before, from, to, e);
            } catch (RuntimeException e) {
                // The record may have been saved before the failure (an answer lost, or re-pointing this node
                // failed): then the target is the boundary's log and must stay.
                Optional<Boolean> recorded = recorded(from, to, expected);
                if (recorded.isEmpty()) {
                    pause.close();
                    throw new Unavailable("it is not known whether the move of boundary " + from.name() + " to"
                            + " server " + to + " was recorded: the catalog cannot be read. GetBoundary tells where"
                            + " it is; the copy on the target is kept (see the operators' guide)", e);
                }
                if (!recorded.get()) {
                    throw undo(move, pause, before, from, to, e);
                }
                LOG.log(System.Logger.Level.WARNING, "the move of boundary " + from.name() + " is recorded, but"
                        + " applying it on this node failed; it is applied again on the next catalog poll", e);
            }
            retired = retire(move, pause, copied, from, to);
        } finally {
            pause.close();
        }
        Duration pauseTime = Duration.ofNanos(System.nanoTime() - paused);
        LOG.log(System.Logger.Level.INFO, "moved boundary {0} ({1} events) from PostgreSQL server {2} to {3}; writes"
                + " were paused for {4} ms", from.name(), copied.events(), from.server(), to, pauseTime.toMillis());
        return new Moved(from.name(), from.server(), to, copied.events(), copied.head(), copied.checksum(),
                copied.copyTime(), copied.verifyTime(), pauseTime, retired);
    }

    /**
     * Undoes a move that failed before it was recorded: releases the pause, then drops what the move created on the
     * target. Answers {@code failure}, to be thrown.
     */
    private static RuntimeException undo(BoundaryMove move, BoundaryMove.Pause pause, BoundaryMove.TargetBefore before,
                                         BoundarySpec from, String to, RuntimeException failure) {
        LOG.log(System.Logger.Level.WARNING, "moving boundary " + from.name() + " to server " + to + " failed before"
                + " it was switched; the source stays in use", failure);
        pause.close();
        try {
            move.dropTarget(before);
        } catch (RuntimeException dropFailed) {
            failure.addSuppressed(dropFailed);
        }
        return failure;
    }

    /** Whether the catalog holds this move, read again; empty when the catalog cannot be read. */
    private Optional<Boolean> recorded(BoundarySpec from, String to, Position expected) {
        try {
            if (catalog.placementPosition(from.name()).equals(expected)) {
                return Optional.of(false);
            }
            return Optional.of(catalog.recordedServer(from.name()).equals(Optional.of(to)));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "reading the catalog after a failed move record failed", e);
            return Optional.empty();
        }
    }

    /**
     * Retires the source, trying twice: the placement points to the target already, so the move as such is done,
     * and a source left in place only lets a node that has not read the catalog yet save to it for one poll.
     */
    private static String retire(BoundaryMove move, BoundaryMove.Pause pause, BoundaryMove.Copied copied,
                                 BoundarySpec from, String to) {
        try {
            return move.retireSource(pause, copied);
        } catch (RuntimeException first) {
            LOG.log(System.Logger.Level.WARNING, "retiring the source of boundary " + from.name() + " failed; trying"
                    + " once more", first);
            try {
                return move.retireSource(pause, copied);
            } catch (RuntimeException second) {
                second.addSuppressed(first);
                throw new FailedPrecondition("boundary " + from.name() + " is moved to server " + to + ", but its old"
                        + " tables on server " + from.server() + " could not be retired: move them out of schema "
                        + from.schema() + " by hand (see the operators' guide)", second);
            }
        }
    }
}
