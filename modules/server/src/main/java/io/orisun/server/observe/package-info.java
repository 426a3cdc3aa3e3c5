/**
 * Observation of a running node: metrics, tracing and its export, RPC and event-log observation decorators, the
 * per-boundary gauges read from the database, and log set-up.
 */
package io.orisun.server.observe;
