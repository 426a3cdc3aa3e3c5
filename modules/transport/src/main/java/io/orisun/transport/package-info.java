/**
 * The gRPC listener on Helidon's HTTP/2 and every workaround for a Helidon fault (see
 * {@code docs/contributors/helidon-workarounds.md}): stream resets, connection flow control, write coalescing, request framing and
 * malformed requests, status text encoding, message size limits, reflection listing, and TLS material. It knows
 * nothing of Orisun's services.
 */
package io.orisun.transport;
