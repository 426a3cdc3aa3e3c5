package io.orisun.api;

/**
 * A place in a boundary's log. Positions are ordered by {@code transactionId}, then {@code globalId}; all events
 * of one save share the transaction id, which is one more than the largest global id of that save.
 * {@link #NONE} ({@code -1,-1}) stands for "no event", the position before the first event.
 */
public record Position(long transactionId, long globalId) implements Comparable<Position> {

    /** The position before any event: an expected position meaning "nothing matches yet". */
    public static final Position NONE = new Position(-1, -1);

    public Position {
        if (transactionId < -1 || globalId < -1) {
            throw new InvalidRequest("a position must not be below {-1,-1}, got {" + transactionId + "," + globalId + "}");
        }
    }

    /** Whether this is {@link #NONE} or the zero position; both mean "from the beginning" to a reader. */
    public boolean isBeginning() {
        return transactionId <= 0 && globalId <= 0;
    }

    @Override
    public int compareTo(Position other) {
        int byTransaction = Long.compare(transactionId, other.transactionId);
        return byTransaction != 0 ? byTransaction : Long.compare(globalId, other.globalId);
    }

    public boolean isAfter(Position other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return "(" + transactionId + ", " + globalId + ")";
    }
}
