package io.orisun.server.catalog;

/** Where a boundary of the catalog stands, as its events record it. */
public enum BoundaryStatus {
    /** Created; its tables are being migrated, or a node stopped before recording the outcome. */
    PROVISIONING,
    /** Provisioned: served by every node that has read the catalog since. */
    ACTIVE,
    /** Provisioning failed; the entry carries the reason, and the name may be created again. */
    FAILED
}
