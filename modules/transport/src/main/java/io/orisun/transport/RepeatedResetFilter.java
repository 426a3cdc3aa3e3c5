package io.orisun.transport;

import io.helidon.common.buffers.DataReader;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The bytes a client sends on one HTTP/2 connection, without the {@code RST_STREAM} frames that repeat a reset the
 * client has already sent for the same stream. Every other byte passes through unchanged and in order.
 *
 * <p>Why: when a client cancels a stream, the server's {@code DATA} frames already on their way still arrive, and a
 * grpc-java (netty) client answers each of them with one more {@code RST_STREAM(STREAM_CLOSED)}. RFC 9113 (5.1, 6.4)
 * has the server ignore frames on a stream it has closed. Helidon 4.5 forgets a reset stream soon after the first
 * reset, and then takes a later one for a stream that "was never created", ends the connection with
 * {@code GOAWAY(PROTOCOL_ERROR)}, and fails every other call on it; until it forgets the stream, it counts each
 * repeat as a rapid reset. A repeated reset says nothing new: the first one already closed the stream.
 *
 * <p>It also leaves out a DATA frame of a stream the client has reset. grpc-java (netty) can send a call's request
 * message after its RST_STREAM when the call is cancelled while the message waits to be written; Helidon has forgotten
 * the reset stream and ends the connection with {@code GOAWAY(PROTOCOL_ERROR, "Stream N was never created and has
 * lower ID than last")}. RFC 9113 (6.9) still counts such a frame against the connection's flow-control window, so
 * the filter gives its length back to the client at once with a connection-level WINDOW_UPDATE (through
 * {@code credit}): otherwise every dropped frame would shrink the window the client may send in for good.
 *
 * <p>The filter parses only the frame layout (the 24-byte client preface, then 9-byte headers and their payloads),
 * and remembers the last {@value RecentStreamIds#REMEMBERED} stream ids the client reset. It runs on the
 * connection's reading thread only.
 */
final class RepeatedResetFilter implements Supplier<byte[]> {

    private static final int PREFACE_LENGTH = 24;
    private static final int HEADER_LENGTH = 9;
    private static final int DATA = 0x0;
    private static final int RST_STREAM = 0x3;
    private static final int WINDOW_UPDATE = 0x8;

    private final DataReader source;
    private final EndedStreams ended;
    private final IntConsumer credit;
    private final RecentStreamIds reset = new RecentStreamIds();
    private final byte[] header = new byte[HEADER_LENGTH];
    private byte[] scratch = new byte[0];
    private int prefaceLeft = PREFACE_LENGTH;
    private int headerFilled;
    private long payloadLeft;
    private boolean dropping;
    private long dropped;

    RepeatedResetFilter(DataReader source) {
        this(source, new EndedStreams(), length -> { });
    }

    /**
     * Also drops every reset of a stream that {@code ended} says the server has ended, and hands {@code credit} the
     * length of each DATA frame it leaves out, to be given back to the client ({@link #connectionWindowUpdate}).
     */
    RepeatedResetFilter(DataReader source, EndedStreams ended, IntConsumer credit) {
        this.source = source;
        this.ended = ended;
        this.credit = credit;
    }

    /** A WINDOW_UPDATE frame of the connection (stream 0) giving the client {@code increment} more bytes to send. */
    static byte[] connectionWindowUpdate(int increment) {
        return new byte[] {0, 0, 4, WINDOW_UPDATE, 0, 0, 0, 0, 0, (byte) (increment >>> 24 & 0x7F),
                (byte) (increment >>> 16), (byte) (increment >>> 8), (byte) increment};
    }

    /** The next bytes for the HTTP/2 connection, or {@code null} at the end of the input. */
    @Override
    public byte[] get() {
        while (true) {
            byte[] in = next();
            if (in == null) {
                return null;
            }
            byte[] out = filter(in);
            if (out.length > 0) {
                return out;
            }
        }
    }

    /** How many repeated resets and late DATA frames were left out so far. */
    long dropped() {
        return dropped;
    }

    private byte[] next() {
        try {
            if (source.available() == 0) {
                source.pullData();
            }
            return source.readBytes(source.available());
        } catch (DataReader.InsufficientDataAvailableException e) {
            return null;
        }
    }

    /** The bytes of {@code in} to pass on; the same array when nothing was held back or left out. */
    byte[] filter(byte[] in) {
        if (scratch.length < in.length + HEADER_LENGTH) {
            scratch = new byte[in.length + HEADER_LENGTH];
        }
        byte[] out = scratch;
        int written = 0;
        boolean changed = headerFilled > 0;
        int i = 0;
        while (i < in.length) {
            if (prefaceLeft > 0) {
                int n = Math.min(prefaceLeft, in.length - i);
                System.arraycopy(in, i, out, written, n);
                written += n;
                prefaceLeft -= n;
                i += n;
                continue;
            }
            if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, in.length - i);
                if (dropping) {
                    changed = true;
                } else {
                    System.arraycopy(in, i, out, written, n);
                    written += n;
                }
                payloadLeft -= n;
                i += n;
                continue;
            }
            // A frame header, maybe split over two reads: held back until complete, then passed on or left out.
            int n = Math.min(HEADER_LENGTH - headerFilled, in.length - i);
            System.arraycopy(in, i, header, headerFilled, n);
            headerFilled += n;
            i += n;
            if (headerFilled < HEADER_LENGTH) {
                changed = true;
                break;
            }
            headerFilled = 0;
            payloadLeft = ((header[0] & 0xFFL) << 16) | ((header[1] & 0xFFL) << 8) | (header[2] & 0xFFL);
            int type = header[3] & 0xFF;
            dropping = switch (type) {
                case RST_STREAM -> payloadLeft == 4 && (!reset.add(streamId()) || ended.ended(streamId()));
                case DATA -> streamId() != 0 && reset.contains(streamId());
                default -> false;
            };
            if (dropping) {
                dropped++;
                if (type == DATA && payloadLeft > 0) {
                    credit.accept((int) payloadLeft);
                }
                changed = true;
            } else {
                System.arraycopy(header, 0, out, written, HEADER_LENGTH);
                written += HEADER_LENGTH;
            }
        }
        return changed ? Arrays.copyOf(out, written) : in;
    }

    private int streamId() {
        return ((header[5] & 0x7F) << 24) | ((header[6] & 0xFF) << 16) | ((header[7] & 0xFF) << 8) | (header[8] & 0xFF);
    }
}
