/**
 * The PostgreSQL event log: per-boundary tables created by versioned migrations, saves with the Command Context
 * Consistency check and group commit, and reads of a stable committed prefix.
 *
 * <p>The public types are {@link io.orisun.ccc.PgEventLog}, {@link io.orisun.ccc.GroupCommitSettings} and
 * {@link io.orisun.ccc.BoundarySchema}; everything else is an implementation detail. The SQL that runs inside the
 * database lives in the migrations next to these classes, each function with a comment on what it does and why.
 */
package io.orisun.ccc;
