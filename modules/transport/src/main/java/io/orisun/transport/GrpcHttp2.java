package io.orisun.transport;

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
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.http.http2.Http2Headers;
import io.helidon.http.http2.Http2Settings;
import io.helidon.http.http2.Http2StreamState;
import io.helidon.http.http2.Http2StreamWriter;
import io.helidon.http.http2.StreamFlowControl;
import io.helidon.webserver.http2.spi.Http2SubProtocolSelector;
import io.helidon.webserver.http2.spi.SubProtocolResult;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Helidon's HTTP/2 connections for gRPC, with the same HTTP/2 and gRPC settings, and these corrections. It takes
 * precedence over the selector Helidon would add by itself.
 * <ul>
 *   <li>Each connection reads the client's bytes through a {@link RepeatedResetFilter}, so that a client cancelling
 *       busy streams does not lose its connection.</li>
 *   <li>Each gRPC stream writes its DATA frames through a {@link ConnectionWindowWriter}, so that concurrent streams
 *       never overdraw the connection's send window (which makes Helidon end the connection).</li>
 *   <li>Each connection writes through a {@link CoalescingWriter}, so that a catch-up stream sends many events per
 *       socket write.</li>
 *   <li>Responses are compressed only when the request is, as in Orisun (grpc-go). Helidon compresses every response
 *       message for a client that merely accepts gzip (grpc-java and others advertise it on every call), with a new
 *       deflater per message: most of the cost of a streamed event on both sides, for small messages.</li>
 *   <li>Each gRPC stream's handler is guarded by {@link MalformedRequests}, so that a request Helidon cannot read
 *       still gets a status.</li>
 * </ul>
 */
public final class GrpcHttp2 implements ServerConnectionSelector {

    /** The receive window of each stream and of the connection, Helidon's default: 1 MiB. */
    static final int RECEIVE_WINDOW = 1 << 20;

    private final Http2ConnectionSelector helidon;

    /**
     * Helidon's HTTP/2 settings for the gRPC listener.
     * <ul>
     *   <li>Helidon counts every client RST_STREAM of a gRPC stream as a "rapid reset" (its check looks at the HTTP
     *       response state, which gRPC streams never move) and ends the connection after 50 in 10 s. A client that
     *       stops its subscriptions together cancels as many streams as it may open, so that is the limit.</li>
     *   <li>The largest frame a client may send is a quarter of the receive window and one byte. Helidon hands the
     *       window back to the client in one of two ways, chosen by that ratio: in halves (when four frames fit in
     *       the window), through a running total that every stream's thread adds to without a lock, or frame by
     *       frame, with no shared total. With hundreds of streams reading at once the running total sends some
     *       bytes back twice, the client's connection window passes 2^31-1, and grpc-java ends the connection
     *       ("Window size overflow for stream: 0"). Frame by frame costs one small WINDOW_UPDATE per frame read.</li>
     * </ul>
     */
    public static Http2Config settings(int maxConcurrentStreams) {
        return Http2Config.builder()
                .maxConcurrentStreams(maxConcurrentStreams)
                .maxRapidResets(maxConcurrentStreams)
                .initialWindowSize(RECEIVE_WINDOW)
                .maxFrameSize(RECEIVE_WINDOW / 4 + 1)
                .build();
    }

    public GrpcHttp2(Http2Config http2, GrpcConfig grpc, MalformedRequests malformed) {
        this.helidon = Http2ConnectionSelector.builder()
                .http2Config(http2)
                .addSubProtocolSelector(new CompressWhenCompressed(GrpcProtocolSelector.create(grpc), malformed))
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
        EndedStreams ended = new EndedStreams();
        CoalescingWriter writer = new CoalescingWriter(ctx.dataWriter(), ended);
        return helidon.connection(new Filtered(ctx,
                DataReader.create(new RepeatedResetFilter(ctx.dataReader(), ended, length -> writer.writeNow(
                        BufferData.create(RepeatedResetFilter.connectionWindowUpdate(length))))),
                writer, new ReentrantLock()));
    }

    /**
     * The connection's context, with the filtered reader and the coalescing writer in place of the socket's, and the
     * lock that its streams' {@link ConnectionWindowWriter}s share.
     */
    private record Filtered(ConnectionContext socket, DataReader dataReader, DataWriter dataWriter, Lock window)
            implements ConnectionContext {

        @Override
        public ListenerContext listenerContext() {
            return socket.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return socket.executor();
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

    /**
     * Hides the client's {@code grpc-accept-encoding} from Helidon when its request itself is not compressed, and
     * hands each gRPC stream's handler to {@link MalformedRequests#guard}. A {@code grpc-encoding} the server lacks
     * is hidden too: Helidon would answer it before the interceptors run, so the guard answers it instead.
     */
    private record CompressWhenCompressed(Http2SubProtocolSelector grpc, MalformedRequests malformed)
            implements Http2SubProtocolSelector {

        private static final HeaderName ENCODING = HeaderNames.create("grpc-encoding");
        private static final HeaderName ACCEPT_ENCODING = HeaderNames.create("grpc-accept-encoding");

        @Override
        public SubProtocolResult subProtocol(ConnectionContext ctx, HttpPrologue prologue, Http2Headers headers,
                                             Http2StreamWriter streamWriter, int streamId, Http2Settings serverSettings,
                                             Http2Settings clientSettings, StreamFlowControl streamFlowControl,
                                             Http2StreamState currentStreamState, Router router) {
            Http2Headers passed = headers;
            Headers request = headers.httpHeaders();
            Optional<String> encoding = request.contains(ENCODING) ? Optional.of(request.get(ENCODING).get())
                    : Optional.empty();
            boolean unsupported = encoding.filter(name -> !MalformedRequests.supported(name)).isPresent();
            if ((request.contains(ACCEPT_ENCODING) && encoding.isEmpty()) || unsupported) {
                WritableHeaders<?> kept = WritableHeaders.create(request);
                kept.remove(ACCEPT_ENCODING);
                kept.remove(ENCODING);
                passed = Http2Headers.create(kept);
                if (headers.path() != null) {
                    passed.path(headers.path());
                }
                if (headers.method() != null) {
                    passed.method(headers.method());
                }
                if (headers.scheme() != null) {
                    passed.scheme(headers.scheme());
                }
                if (headers.authority() != null) {
                    passed.authority(headers.authority());
                }
            }
            // Helidon passes each stream the context of its connection, which is the one this selector made.
            Http2StreamWriter writer = ctx instanceof Filtered connection
                    ? new ConnectionWindowWriter(streamWriter, connection.window())
                    : streamWriter;
            SubProtocolResult result = grpc.subProtocol(ctx, prologue, passed, writer, streamId, serverSettings,
                    clientSettings, streamFlowControl, currentStreamState, router);
            return result.supported()
                    ? new SubProtocolResult(true, malformed.guard(result.subProtocol(), encoding))
                    : result;
        }
    }
}
