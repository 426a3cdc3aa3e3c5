package io.orisun.api;

/**
 * Where a read begins. {@link Edge} is the start of the log for an ascending read and its end for a descending
 * one; {@link From} includes the given position, {@link After} excludes it.
 */
public sealed interface ReadStart {

    static ReadStart edge() {
        return Edge.INSTANCE;
    }

    static ReadStart from(Position position) {
        return new From(position);
    }

    static ReadStart after(Position position) {
        return new After(position);
    }

    enum Edge implements ReadStart { INSTANCE }

    record From(Position position) implements ReadStart {
    }

    record After(Position position) implements ReadStart {
    }
}
