package io.orisun.server.catalog;

import io.orisun.api.BoundarySpec;
import io.orisun.api.Position;
import java.util.Optional;

/**
 * A boundary as the catalog lists it. Configured boundaries are ACTIVE, existed before the catalog and have no
 * catalog events, so no positions; a boundary created at runtime has the position of its {@code $BoundaryCreated}
 * event ({@code definitionPosition}) and of the event that set its status.
 */
public record BoundaryEntry(BoundarySpec spec, boolean existedBeforeCatalog, BoundaryStatus status, String lastError,
                            Optional<Position> definitionPosition, Optional<Position> statusPosition) {

    /** The only storage backend: the boundary's tables live in PostgreSQL, in the schema of its {@link #spec()}. */
    public static final String BACKEND = "postgres";

    static BoundaryEntry configured(BoundarySpec spec) {
        return new BoundaryEntry(spec, true, BoundaryStatus.ACTIVE, "", Optional.empty(), Optional.empty());
    }

    /** The storage backend of the boundary, always {@value #BACKEND}. */
    public String backend() {
        return BACKEND;
    }

    BoundaryEntry withSpec(BoundarySpec newSpec) {
        return new BoundaryEntry(newSpec, existedBeforeCatalog, status, lastError, definitionPosition, statusPosition);
    }

    BoundaryEntry withStatus(BoundaryStatus newStatus, String error, Position at) {
        return new BoundaryEntry(spec, existedBeforeCatalog, newStatus, error, definitionPosition, Optional.of(at));
    }
}
