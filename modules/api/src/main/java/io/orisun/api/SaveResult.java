package io.orisun.api;

/**
 * The outcome of an accepted save: the positions of its first and last event. {@code replayed} is true when the
 * request repeated a save that was already stored, and the positions are the original ones.
 */
public record SaveResult(Position first, Position last, boolean replayed) {
}
