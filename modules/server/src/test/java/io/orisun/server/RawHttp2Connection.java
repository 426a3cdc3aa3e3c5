package io.orisun.server;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP/2 connection written frame by frame over a plain socket, for requests that real gRPC clients never send:
 * a compressed flag without an encoding, a length prefix that lies, two messages to a unary method, a stream that
 * stops half-way. Header blocks are HPACK-coded with Netty's coder (from grpc-netty-shaded); the rest is by hand.
 */
final class RawHttp2Connection implements AutoCloseable {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int PING = 0x6;
    private static final int GOAWAY = 0x7;
    private static final int CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int ACK = 0x1;

    /** How a stream ended, as the server said it: its response headers and trailers, or a reset's error code. */
    record Answer(Map<String, String> headers, int resetCode) {

        String get(String name) {
            return headers.get(name);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    private int nextStreamId = 1;

    private RawHttp2Connection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        out.write(PREFACE);
        frame(SETTINGS, 0, 0, new byte[0]);
    }

    static RawHttp2Connection open(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(15_000);
        socket.setTcpNoDelay(true);
        return new RawHttp2Connection(socket);
    }

    /** A gRPC message: the flags byte, the length prefix as given (which may lie) and the body. */
    static byte[] message(int flags, long declaredLength, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) flags).putInt((int) declaredLength).put(body).array();
    }

    /** A well-formed uncompressed gRPC message holding {@code body}. */
    static byte[] message(byte[] body) {
        return message(0, body.length, body);
    }

    /** Opens a stream with a gRPC request's headers for {@code path} plus {@code extra}; returns its id. */
    int request(String path, Map<String, String> extra) throws IOException {
        Http2Headers headers = new DefaultHttp2Headers()
                .method("POST").scheme("http").path(path).authority("127.0.0.1");
        headers.add("content-type", "application/grpc");
        headers.add("te", "trailers");
        extra.forEach(headers::add);
        ByteBuf block = Unpooled.buffer();
        int streamId = nextStreamId;
        nextStreamId += 2;
        try {
            encoder.encodeHeaders(streamId, headers, block);
        } catch (Http2Exception e) {
            throw new IOException(e);
        }
        byte[] bytes = new byte[block.readableBytes()];
        block.readBytes(bytes);
        block.release();
        frame(HEADERS, END_HEADERS, streamId, bytes);
        return streamId;
    }

    void data(int streamId, byte[] payload, boolean endOfStream) throws IOException {
        frame(DATA, endOfStream ? END_STREAM : 0, streamId, payload);
    }

    /** Cancels the stream, as a client does when it gives up on a call. */
    void reset(int streamId) throws IOException {
        frame(RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt(0x8).array());
    }

    /**
     * Reads frames until the server ends {@code streamId} (trailers with END_STREAM, or RST_STREAM), answering
     * SETTINGS and PING on the way. Fails on GOAWAY or when the socket's timeout passes first.
     */
    Answer awaitEnd(int streamId) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        boolean endAfterBlock = false;
        while (true) {
            int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & 0x7FFFFFFF;
            byte[] payload = in.readNBytes(length);
            switch (type) {
                case SETTINGS -> {
                    if ((flags & ACK) == 0) {
                        frame(SETTINGS, ACK, 0, new byte[0]);
                    }
                }
                case PING -> {
                    if ((flags & ACK) == 0) {
                        frame(PING, ACK, 0, payload);
                    }
                }
                case GOAWAY -> throw new IOException("GOAWAY from the server: error " + ByteBuffer.wrap(payload).getInt(4)
                        + " " + new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8));
                case HEADERS, CONTINUATION -> {
                    if (stream != streamId) {
                        continue;
                    }
                    block.write(payload);
                    endAfterBlock |= (flags & END_STREAM) != 0;
                    if ((flags & END_HEADERS) != 0) {
                        decode(block.toByteArray(), headers);
                        block.reset();
                        if (endAfterBlock) {
                            return new Answer(headers, -1);
                        }
                    }
                }
                case RST_STREAM -> {
                    if (stream == streamId) {
                        return new Answer(headers, ByteBuffer.wrap(payload).getInt());
                    }
                }
                case DATA -> {
                    if (stream == streamId && (flags & END_STREAM) != 0) {
                        return new Answer(headers, -1);
                    }
                }
                default -> {
                    // WINDOW_UPDATE and the rest change nothing for these requests.
                }
            }
        }
    }

    private void decode(byte[] bytes, Map<String, String> into) throws IOException {
        ByteBuf buffer = Unpooled.wrappedBuffer(bytes);
        try {
            decoder.decodeHeaders(0, buffer).forEach(entry -> into.put(entry.getKey().toString(),
                    entry.getValue().toString()));
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            buffer.release();
        }
    }

    private void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(9);
        header.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length)
                .put((byte) type).put((byte) flags).putInt(streamId);
        out.write(header.array());
        out.write(payload);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
