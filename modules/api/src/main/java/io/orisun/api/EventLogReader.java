package io.orisun.api;

import java.util.List;

/**
 * Reads a boundary's log. Ascending reads return only a stable committed prefix: an event is never returned
 * while an event before it could still commit, so a reader paging forward can never skip one.
 */
public interface EventLogReader {

    /** One page of matching events, in the requested order. */
    List<Event> read(ReadRequest request);

    /** The position of the newest committed event of the boundary, or {@link Position#NONE}. */
    Position head(String boundary);
}
