/**
 * The child processes of the embedded defaults: a PostgreSQL and a nats-server under the data directory, and the
 * clean-up of processes a previous run left behind. It knows nothing of gRPC.
 */
package io.orisun.embedded;
