package io.orisun.api;

/**
 * A conditional save was rejected because the newest event of its context is not where the caller expected.
 * The message is the one Orisun clients parse: {@code OptimisticConcurrencyException:StreamVersionConflict:
 * Expected (t, g), Actual (t, g)}.
 */
public final class ConsistencyViolation extends OrisunException {

    private final Position expected;
    private final Position actual;

    public ConsistencyViolation(Position expected, Position actual) {
        super("OptimisticConcurrencyException:StreamVersionConflict: Expected " + expected + ", Actual " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public Position expected() {
        return expected;
    }

    public Position actual() {
        return actual;
    }
}
