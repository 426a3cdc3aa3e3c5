package io.orisun.client;

/**
 * A state folded from the events of a context up to and including the event at {@code position}, the newest
 * event it covers.
 */
public record Snapshot<S>(S state, Position position) {
}
