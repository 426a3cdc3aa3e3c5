/**
 * The boundary catalog: which boundaries exist, their placement, and their provisioning on every node.
 */
package io.orisun.server.catalog;
