/**
 * The child processes of the embedded defaults: a PostgreSQL and a nats-server, each under a directory it is given,
 * and the clean-up of processes a previous run left behind. It knows nothing of gRPC.
 */
package io.orisun.embedded;
