package io.orisun.api;

/**
 * A request needed more time than its budget allows: holding a boundary's writers past the write budget, or
 * running a read statement past the read budget. The statement was cancelled and nothing of the request was
 * written. Repeating the same request will most likely fail the same way; a narrower query, an index on the
 * queried keys, or a larger budget lets it through.
 */
public final class BudgetExceeded extends OrisunException {

    public BudgetExceeded(String message) {
        super(message);
    }

    public BudgetExceeded(String message, Throwable cause) {
        super(message, cause);
    }
}
