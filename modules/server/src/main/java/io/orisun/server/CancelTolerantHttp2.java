package io.orisun.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.grpc.GrpcConfig;
import io.helidon.webserver.grpc.GrpcProtocolSelector;
import io.helidon.webserver.http2.Http2Config;
import io.helidon.webserver.http2.Http2ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Helidon's HTTP/2 connections for gRPC, each reading the client's bytes through a {@link RepeatedResetFilter}, so
 * that a client cancelling busy streams does not lose its connection. Everything else is Helidon's own selector,
 * with the same HTTP/2 and gRPC settings; it takes precedence over the one Helidon would add by itself.
 */
final class CancelTolerantHttp2 implements ServerConnectionSelector {

    private final Http2ConnectionSelector helidon;

    CancelTolerantHttp2(Http2Config http2, GrpcConfig grpc) {
        this.helidon = Http2ConnectionSelector.builder()
                .http2Config(http2)
                .addSubProtocolSelector(GrpcProtocolSelector.create(grpc))
                .build();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return helidon.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return helidon.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return helidon.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return helidon.connection(new Filtered(ctx, DataReader.create(new RepeatedResetFilter(ctx.dataReader()))));
    }

    /** The connection's context, with the filtered reader in place of the socket's. */
    private record Filtered(ConnectionContext socket, DataReader dataReader) implements ConnectionContext {

        @Override
        public ListenerContext listenerContext() {
            return socket.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return socket.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return socket.dataWriter();
        }

        @Override
        public Router router() {
            return socket.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return socket.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return socket.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return socket.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return socket.localPeer();
        }

        @Override
        public boolean isSecure() {
            return socket.isSecure();
        }

        @Override
        public String socketId() {
            return socket.socketId();
        }

        @Override
        public String childSocketId() {
            return socket.childSocketId();
        }
    }
}
