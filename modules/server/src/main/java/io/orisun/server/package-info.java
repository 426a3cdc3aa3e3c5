/**
 * The node and its wiring: {@link io.orisun.server.Main} reads the configuration, {@link io.orisun.server.OrisunServer}
 * builds the parts top to bottom (PostgreSQL and its pools, NATS, the core services, the listeners), connects
 * them, and stops them in reverse order; readiness is reported from here.
 */
package io.orisun.server;
