package io.orisun.api;

/**
 * What must hold for a save to be accepted. {@link Unconditional} always appends;
 * {@link ContextUnchanged} appends only if the newest event that matches {@code query} is at {@code expected}
 * ({@link Position#NONE} when nothing may match yet).
 */
public sealed interface AppendCondition {

    static AppendCondition none() {
        return Unconditional.INSTANCE;
    }

    static AppendCondition contextAt(Query query, Position expected) {
        return new ContextUnchanged(query, expected);
    }

    /** Appends whatever the log holds. */
    enum Unconditional implements AppendCondition { INSTANCE }

    /** Appends only if the context defined by {@code query} has not moved past {@code expected}. */
    record ContextUnchanged(Query query, Position expected) implements AppendCondition {
        public ContextUnchanged {
            java.util.Objects.requireNonNull(query, "query");
            java.util.Objects.requireNonNull(expected, "expected");
        }
    }
}
