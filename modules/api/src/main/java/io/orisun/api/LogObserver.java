package io.orisun.api;

/**
 * Hears what the write and delivery paths did, so that the server can measure and trace them without the core
 * modules knowing about any metrics or tracing library. Calls come from the hot paths' own threads (the
 * boundary's flusher, its publisher): implementations must return quickly and must not throw. Every method does
 * nothing by default.
 */
public interface LogObserver {

    /** An observer that ignores everything. */
    LogObserver NONE = new LogObserver() {
    };

    /**
     * The flusher of {@code boundary} ran one group commit: {@code saves} requests holding {@code events} events,
     * taking {@code nanos} from the flusher taking the batch to every request having its answer, whatever the
     * answers were.
     */
    default void flushed(String boundary, int saves, int events, long nanos) {
    }

    /**
     * Where one group commit of {@code boundary} spent its time: {@code checkoutNanos} getting a write connection,
     * {@code statementNanos} in the one call of the save function, from sending it to reading its last row. The
     * call runs in auto-commit, where PostgreSQL commits, and so waits for its WAL flush, before it replies: the
     * statement time includes the commit.
     */
    default void flushStages(String boundary, long checkoutNanos, long statementNanos) {
    }

    /**
     * One save to {@code boundary} waited {@code queuedNanos} from being queued to the flusher taking its batch,
     * and {@code wakeNanos} from its answer being ready to its caller's thread running again.
     */
    default void saveWaited(String boundary, long queuedNanos, long wakeNanos) {
    }

    /** The publisher of {@code boundary} had JetStream acknowledge {@code events} events, taking {@code nanos}. */
    default void published(String boundary, int events, long nanos) {
    }

    /** Publishing {@code boundary} to JetStream failed with {@code cause}; the publisher retries. */
    default void publishFailed(String boundary, Exception cause) {
    }

    /**
     * A statement on {@code boundary} was cancelled because it ran past its budget; {@code operation} is
     * {@code "write"} for the writer-lock budget of a save, {@code "read"} for the budget of a read statement.
     */
    default void budgetExceeded(String boundary, String operation) {
    }
}
