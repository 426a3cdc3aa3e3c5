/**
 * The gRPC listener on Helidon's HTTP/2, and every workaround for a Helidon fault (see
 * {@code docs/contributors/helidon-workarounds.md}): connections that survive repeated stream resets, streams that
 * never overdraw the connection window, coalesced writes, an answer for every malformed request, status text as the
 * gRPC spec encodes it, message size limits, one reflection entry per service, and TLS from PEM files. It knows
 * nothing of Orisun's services: the server hands it plain settings and its services, and takes back the connection
 * selector, the interceptors and the TLS to put on its listener. Its one edge to {@code api} is
 * {@code OrisunException.echo}, the single way a message quotes a caller's input.
 */
module io.orisun.transport {
    requires io.orisun.api;

    requires transitive io.helidon.webserver;
    requires transitive io.helidon.webserver.grpc;
    requires transitive io.helidon.webserver.http2;
    requires transitive io.helidon.common.tls;
    requires io.grpc.services;
    requires transitive micrometer.core;

    exports io.orisun.transport;
}
