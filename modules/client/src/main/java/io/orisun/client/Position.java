package io.orisun.client;

/**
 * A place in a boundary's log, ordered by transaction id, then global id. {@link #NONE} ({@code (-1, -1)}) is the
 * position before every event: as an expected position it means "no event of the context exists yet".
 */
public record Position(long transactionId, long globalId) implements Comparable<Position> {

    /** The position before any event. */
    public static final Position NONE = new Position(-1, -1);

    /** Rejects positions below {@link #NONE}. */
    public Position {
        if (transactionId < -1 || globalId < -1) {
            throw new IllegalArgumentException("a position is (-1, -1) or made of non-negative numbers, got ("
                    + transactionId + ", " + globalId + ")");
        }
    }

    /** Whether this is {@link #NONE}. */
    public boolean isNone() {
        return transactionId == -1 && globalId == -1;
    }

    @Override
    public int compareTo(Position other) {
        int byTransaction = Long.compare(transactionId, other.transactionId);
        return byTransaction != 0 ? byTransaction : Long.compare(globalId, other.globalId);
    }

    @Override
    public String toString() {
        return "(" + transactionId + ", " + globalId + ")";
    }
}
