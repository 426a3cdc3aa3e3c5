/**
 * Server wiring: configuration records, the embedded PostgreSQL and NATS processes, the gRPC services and the
 * single mapping from domain errors to gRPC status.
 */
package io.orisun.server;
