package io.orisun.server.config;

import io.orisun.api.BoundarySpec;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The boundaries configured at start-up and the one that holds admin state.
 *
 * @param boundaries    every configured boundary, names unique, in configuration order; at least one
 * @param adminBoundary the name of the boundary that holds users and other admin state; one of {@code boundaries}
 */
public record BoundariesConfig(List<BoundarySpec> boundaries, String adminBoundary) {

    /** @throws IllegalArgumentException when the list is empty, has a duplicate name or lacks the admin boundary */
    public BoundariesConfig {
        boundaries = List.copyOf(boundaries);
        Objects.requireNonNull(adminBoundary, "adminBoundary");
        if (boundaries.isEmpty()) {
            throw new IllegalArgumentException("at least one boundary is required");
        }
        Set<String> names = new HashSet<>();
        for (BoundarySpec boundary : boundaries) {
            if (!names.add(boundary.name())) {
                throw new IllegalArgumentException("boundary '" + boundary.name() + "' is configured twice");
            }
        }
        if (!names.contains(adminBoundary)) {
            throw new IllegalArgumentException("admin boundary '" + adminBoundary + "' is not a configured boundary");
        }
    }

    /** The boundary named {@code name}, if configured. */
    public Optional<BoundarySpec> find(String name) {
        return boundaries.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** The boundary that holds admin state. */
    public BoundarySpec admin() {
        return find(adminBoundary).orElseThrow();
    }
}
