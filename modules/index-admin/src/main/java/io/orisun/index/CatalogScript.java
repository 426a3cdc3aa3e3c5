package io.orisun.index;

import io.orisun.api.AdvisoryLock;
import io.orisun.api.BoundarySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates or upgrades a boundary's index catalog from this module's versioned scripts
 * ({@code io/orisun/index/V<n>__*.sql}, applied in order). Every script is idempotent, so applying them on each
 * start costs a few catalog lookups and needs no history table.
 */
final class CatalogScript {

    /** The scripts, oldest first. A new version appends its file here. */
    private static final List<String> VERSIONS = List.of("V1__index_catalog.sql");
    private static final List<String> TEXTS = VERSIONS.stream().map(CatalogScript::load).toList();

    private CatalogScript() {
    }

    /**
     * Applies every script to the boundary in one transaction, holding a transaction-level advisory lock so that
     * nodes starting together do not race on {@code CREATE ... IF NOT EXISTS}. Leaves {@code connection} in
     * autocommit mode.
     */
    static void apply(Connection connection, BoundaryObjects objects) throws SQLException {
        connection.setAutoCommit(false);
        try {
            AdvisoryLock.acquireForTransaction(connection, objects.catalogLockName());
            try (Statement statement = connection.createStatement()) {
                for (String text : TEXTS) {
                    statement.execute(render(text, objects.spec()));
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The script with its placeholders replaced by the boundary's validated identifiers. */
    static String render(String text, BoundarySpec spec) {
        return text.replace("${schema}", BoundarySpec.quote(BoundarySpec.requireIdentifier("schema", spec.schema())))
                .replace("${boundary}", BoundarySpec.requireBoundaryName(spec.name()));
    }

    private static String load(String file) {
        try (InputStream in = CatalogScript.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("the catalog script " + file + " is missing from the module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the catalog script " + file + " failed", e);
        }
    }
}
