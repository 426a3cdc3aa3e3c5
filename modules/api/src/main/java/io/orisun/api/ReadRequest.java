package io.orisun.api;

/** A page of a boundary's events that match {@code query}, in {@code direction}, starting at {@code start}. */
public record ReadRequest(String boundary, Query query, ReadStart start, Direction direction, int count) {

    /** The largest page a single read may ask for. */
    public static final int MAX_COUNT = 10_000;

    public ReadRequest {
        java.util.Objects.requireNonNull(boundary, "boundary");
        java.util.Objects.requireNonNull(query, "query");
        java.util.Objects.requireNonNull(start, "start");
        java.util.Objects.requireNonNull(direction, "direction");
        if (count < 1 || count > MAX_COUNT) {
            throw new InvalidRequest("count must be between 1 and " + MAX_COUNT + ", got " + Integer.toUnsignedString(count));
        }
    }
}
