/**
 * The boundary catalog: which boundaries exist, their placement, and their provisioning on every node. It knows
 * the event log and the schema migrations, nothing of the gRPC contract.
 */
package io.orisun.server.catalog;
