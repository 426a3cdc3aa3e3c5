package io.orisun.transport;

import io.grpc.Status;
import io.helidon.common.buffers.BufferData;
import java.util.Optional;

/**
 * The length-prefixed messages of one gRPC request stream, followed across DATA frames without copying or consuming
 * them, so that a request that breaks the framing is answered before Helidon's gRPC handler sees it. Each message is
 * a flags byte (0, or 1 for a compressed message), a 4-byte big-endian length and that many bytes.
 * <p>
 * {@link #next} reports the first fault as the status the call gets: a flags byte other than 0 or 1, a compressed
 * message on a call that named no compression it can undo ({@code INTERNAL}, as grpc-java answers both), a message
 * longer than the server accepts ({@code RESOURCE_EXHAUSTED}, from its length prefix, before any of it is buffered),
 * and a stream that ends inside a message ({@code INTERNAL}). After a fault the instance reports nothing more.
 */
final class RequestFraming {

    static final int HEADER_LENGTH = 5;

    /** A fault in the framing: its kind (a metric label) and the status the call gets for it. */
    record Fault(String kind, Status status) {
    }

    private final int maxMessageBytes;
    private final boolean decompresses;
    private final byte[] header = new byte[HEADER_LENGTH];
    private int headerRead;
    private long bodyLeft;
    private long bodyLength;
    private boolean failed;

    /**
     * @param maxMessageBytes the largest message accepted ({@code ORISUN_GRPC_MAX_RECEIVE_MESSAGE_SIZE})
     * @param decompresses    whether the call's {@code grpc-encoding} names a compression the server can undo
     */
    RequestFraming(int maxMessageBytes, boolean decompresses) {
        this.maxMessageBytes = maxMessageBytes;
        this.decompresses = decompresses;
    }

    /**
     * Follows the bytes of one DATA frame ({@code data} is read from its read position and left as it is) and
     * returns the first fault they reveal, or empty while the framing holds.
     */
    Optional<Fault> next(BufferData data, boolean endOfStream) {
        if (failed) {
            return Optional.empty();
        }
        int available = data.available();
        int at = 0;
        while (at < available) {
            if (bodyLeft > 0) {
                int skipped = (int) Math.min(bodyLeft, available - at);
                at += skipped;
                bodyLeft -= skipped;
                continue;
            }
            header[headerRead++] = (byte) data.get(at++);
            if (headerRead == HEADER_LENGTH) {
                headerRead = 0;
                Optional<Fault> fault = messageHeader();
                if (fault.isPresent()) {
                    return fail(fault);
                }
            }
        }
        if (endOfStream && headerRead > 0) {
            return fail(new Fault("truncated", Status.INTERNAL.withDescription(
                    "the request stream ended inside a message header (" + headerRead + " of " + HEADER_LENGTH
                            + " bytes)")));
        }
        if (endOfStream && bodyLeft > 0) {
            return fail(new Fault("truncated", Status.INTERNAL.withDescription("the request stream ended inside a message ("
                    + (bodyLength - bodyLeft) + " of the " + bodyLength + " bytes its length prefix announced)")));
        }
        return Optional.empty();
    }

    private Optional<Fault> messageHeader() {
        int flags = header[0] & 0xFF;
        long length = ((header[1] & 0xFFL) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8)
                | (header[4] & 0xFF);
        if (flags > 1) {
            return Optional.of(new Fault("framing", Status.INTERNAL.withDescription(String.format(
                    "a request message header has the flags byte 0x%02X; only 0 and 1 (compressed) are defined", flags))));
        }
        if (flags == 1 && !decompresses) {
            return Optional.of(new Fault("compression", Status.INTERNAL.withDescription("a request message is marked"
                    + " compressed, but the call names no compression in grpc-encoding that the server can undo")));
        }
        if (length > maxMessageBytes) {
            return Optional.of(new Fault("too_large", Status.RESOURCE_EXHAUSTED.withDescription("the request message of "
                    + length + " bytes is larger than the server accepts (" + maxMessageBytes
                    + " bytes, ORISUN_GRPC_MAX_RECEIVE_MESSAGE_SIZE)")));
        }
        bodyLength = length;
        bodyLeft = length;
        return Optional.empty();
    }

    private Optional<Fault> fail(Optional<Fault> fault) {
        failed = true;
        return fault;
    }

    private Optional<Fault> fail(Fault fault) {
        return fail(Optional.of(fault));
    }
}
