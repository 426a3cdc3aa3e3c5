package io.orisun.server.catalog;

/**
 * A request to create a boundary, as a client states it: unchecked. An empty {@code backend} means
 * {@value BoundaryEntry#BACKEND}, an empty {@code namespace} means a schema named like the boundary, and an empty
 * {@code server} means {@value io.orisun.api.BoundarySpec#DEFAULT_SERVER}.
 */
public record NewBoundary(String name, String description, String backend, String namespace, String server,
                          boolean existedBeforeCatalog) {
}
