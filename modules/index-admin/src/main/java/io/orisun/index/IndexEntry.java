package io.orisun.index;

import java.util.Objects;
import java.util.Optional;

/**
 * An index as the boundary's catalog records it: its definition, its state, and for a {@link IndexState#FAILED}
 * index the reason its last build failed.
 */
public record IndexEntry(IndexDefinition definition, IndexState state, Optional<String> error) {

    public IndexEntry {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(error, "error");
    }

    /** The index's name within its boundary. */
    public String name() {
        return definition.name();
    }
}
