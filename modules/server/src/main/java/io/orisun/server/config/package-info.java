/**
 * Reading the node's {@code ORISUN_*} environment into typed, validated settings records, once at start-up: the
 * settings table that documents every variable, Go-style durations, name suggestions for misspelt variables, and the
 * secrets a single node generates for itself. A concern that a core module owns is read straight into that module's
 * settings record; this package keeps records only for what the server alone uses (listeners, PostgreSQL
 * connections and pools, NATS, logging).
 */
package io.orisun.server.config;
