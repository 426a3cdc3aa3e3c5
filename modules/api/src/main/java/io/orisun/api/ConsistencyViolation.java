package io.orisun.api;

/**
 * A conditional save was rejected because the newest event of its context is not where the caller expected.
 *
 * <p>The message starts with Orisun's own, byte for byte: {@code OptimisticConcurrencyException:StreamVersionConflict:
 * Expected (t, g), Actual (t, g)}. Orisun's official Java and Go clients look for {@code Expected\s+(\d+),\s+Actual\s+(\d+)}
 * instead, which that text never matches, so a segment in their form follows: {@code ; versions: Expected n, Actual
 * n}, where a version is the boundary's log version at the position, {@code global_id + 1} (0 for "no event yet"),
 * never negative. Clients that parse the positions, and clients that only show the message, are unaffected.
 */
public final class ConsistencyViolation extends OrisunException {

    private final Position expected;
    private final Position actual;

    public ConsistencyViolation(Position expected, Position actual) {
        super("OptimisticConcurrencyException:StreamVersionConflict: Expected " + expected + ", Actual " + actual
                + "; versions: Expected " + version(expected) + ", Actual " + version(actual));
        this.expected = expected;
        this.actual = actual;
    }

    /** The log version at {@code position}: how many events the boundary held up to it, so 0 for none. */
    static long version(Position position) {
        return Math.max(0, position.globalId() + 1);
    }

    public Position expected() {
        return expected;
    }

    public Position actual() {
        return actual;
    }
}
