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
