package io.orisun.server.catalog;

/**
 * A request to create a boundary, as a client states it: unchecked. An empty {@code backend} means
 * {@value BoundaryEntry#BACKEND} and an empty {@code namespace} means a schema named like the boundary.
 */
public record NewBoundary(String name, String description, String backend, String namespace,
                          boolean existedBeforeCatalog) {
}
