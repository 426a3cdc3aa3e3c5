package io.orisun.ccc;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Cancels statements that run past their deadline, from one daemon thread for the whole process, which looks at the
 * running statements every {@link #TICK_MILLIS} ms and sleeps for good after a second with none. Watching costs a
 * statement an entry in a concurrent set and no thread wake-up: JDBC's query timeout, which this replaces, armed a
 * task of the driver's timer thread, and woke that thread, for every statement.
 *
 * <p>The cancel is the driver's {@link Statement#cancel()}, as with the query timeout: PostgreSQL stops the
 * statement at its next interrupt check with SQLSTATE 57014, the transaction rolls back, the connection stays
 * usable, and it works behind a connection pooler. The driver cancels only a statement still executing, and its
 * executing thread waits for a cancel under way before it returns, so a late cancel cannot reach the connection's
 * next statement from this side.
 */
final class StatementWatch {

    static final long TICK_MILLIS = 50;
    private static final int QUIET_TICKS = 20;
    private static final System.Logger LOG = System.getLogger(StatementWatch.class.getName());
    private static final StatementWatch SHARED = new StatementWatch();

    private final Set<Watched> running = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean asleep;

    private StatementWatch() {
        thread = Thread.ofPlatform().daemon().name("orisun-statement-watch").unstarted(this::run);
        thread.start();
    }

    /** Watches {@code statement} until the returned handle is closed; past {@code deadline} (nanoTime) it is cancelled. */
    static Watched watch(Statement statement, long deadline) {
        return SHARED.add(statement, deadline);
    }

    private Watched add(Statement statement, long deadline) {
        Watched watched = new Watched(statement, deadline);
        running.add(watched);
        if (asleep) {
            asleep = false;
            LockSupport.unpark(thread);
        }
        return watched;
    }

    private void run() {
        int quiet = 0;
        while (true) {
            if (!running.isEmpty()) {
                quiet = 0;
            } else if (++quiet >= QUIET_TICKS) {
                // add() clears the flag after adding; seen either way, a new statement cannot be missed.
                asleep = true;
                if (running.isEmpty()) {
                    LockSupport.park(this);
                }
                asleep = false;
                quiet = 0;
            }
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS));
            long now = System.nanoTime();
            for (Watched watched : running) {
                if (now - watched.deadline >= 0 && running.remove(watched)) {
                    cancel(watched.statement);
                }
            }
        }
    }

    private static void cancel(Statement statement) {
        try {
            statement.cancel();
        } catch (SQLException | RuntimeException e) {
            // The statement fails or ends on its own; its caller sees that, not this.
            LOG.log(System.Logger.Level.DEBUG, "cancelling a statement past its budget failed", e);
        }
    }

    /** One watched statement; closing it ends the watch, before or after its deadline. */
    final class Watched implements AutoCloseable {
        private final Statement statement;
        private final long deadline;

        private Watched(Statement statement, long deadline) {
            this.statement = statement;
            this.deadline = deadline;
        }

        @Override
        public void close() {
            running.remove(this);
        }
    }
}
