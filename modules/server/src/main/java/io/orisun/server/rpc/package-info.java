/**
 * The gRPC services of Orisun's contract ({@code EventStore}, {@code Admin}): mapping between proto messages and
 * the {@code api} types, authentication and permissions per call, and the one mapping of failures to gRPC status.
 */
package io.orisun.server.rpc;
