package io.orisun.transport;

import io.helidon.common.buffers.BufferData;

/**
 * The streams of one HTTP/2 connection that the server has ended (a HEADERS or DATA frame with END_STREAM written),
 * the most recent {@value RecentStreamIds#REMEMBERED} of them. Helidon 4.5 may forget such a stream at once, and
 * then answers a client's later RST_STREAM for it (a cancel that crossed the last frame, or grpc-java closing its
 * own half after the server finished first) with GOAWAY(PROTOCOL_ERROR), ending every call of the connection.
 * RFC 9113 makes such a reset harmless, so {@link RepeatedResetFilter} drops it; a reset carries no flow-control
 * credit, so nothing else changes.
 */
final class EndedStreams {

    private static final int HEADER_LENGTH = 9;
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int END_STREAM = 0x1;

    private final RecentStreamIds ended = new RecentStreamIds();

    /**
     * Notes the streams that the frames in {@code buffer} end, without consuming it. Helidon writes whole frames,
     * one or more per buffer, so the buffer starts with a frame header; a partial frame at its end is ignored.
     */
    void scan(BufferData buffer) {
        int available = buffer.available();
        int at = 0;
        while (at + HEADER_LENGTH <= available) {
            int length = (byteAt(buffer, at) << 16) | (byteAt(buffer, at + 1) << 8) | byteAt(buffer, at + 2);
            int type = byteAt(buffer, at + 3);
            int flags = byteAt(buffer, at + 4);
            if ((type == DATA || type == HEADERS) && (flags & END_STREAM) != 0) {
                int streamId = ((byteAt(buffer, at + 5) & 0x7F) << 24) | (byteAt(buffer, at + 6) << 16)
                        | (byteAt(buffer, at + 7) << 8) | byteAt(buffer, at + 8);
                if (streamId != 0) {
                    ended.add(streamId);
                }
            }
            at += HEADER_LENGTH + length;
        }
    }

    private static int byteAt(BufferData buffer, int index) {
        return buffer.get(index) & 0xFF;
    }

    /** Whether the server has ended this stream, as far as this connection remembers. */
    boolean ended(int streamId) {
        return ended.contains(streamId);
    }
}
