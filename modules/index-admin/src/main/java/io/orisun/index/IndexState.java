package io.orisun.index;

/**
 * Where an index stands. {@link #BUILDING} while it is created concurrently, {@link #READY} once PostgreSQL may use
 * it, {@link #FAILED} when its build failed: the physical index was removed and the catalog keeps the reason.
 */
public enum IndexState {
    BUILDING,
    READY,
    FAILED
}
