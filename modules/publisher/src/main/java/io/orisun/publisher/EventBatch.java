package io.orisun.publisher;

import io.orisun.api.Event;
import io.orisun.api.OrisunException;
import io.orisun.api.Position;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The body of a batch message: consecutive events of one boundary in one JetStream message. Format version
 * {@value #VERSION}, every integer big-endian:
 * <pre>
 * byte   version, {@value #VERSION}
 * then one entry per event, in strictly ascending positions, up to the end of the body:
 *   byte   kind: {@value #EVENT} = the event, {@value #POSITION_ONLY} = its position alone (the event is too large
 *          for NATS; readers fetch it from the log)
 *   long   transaction id
 *   long   global id
 *   kind {@value #EVENT} only:
 *     int + bytes   event id, UTF-8
 *     int + bytes   event type, UTF-8
 *     int + bytes   data, the stored JSON text in UTF-8
 *     int + bytes   metadata, the stored JSON text in UTF-8
 *     long          creation time, seconds since the epoch
 *     int           nanoseconds of that second
 * </pre>
 * A reader that meets another version must not guess: the body's first byte tells the formats apart (the per-event
 * JSON body of earlier versions starts with {@code '{'}).
 *
 * <p>A {@code Writer} builds bodies for the publisher; {@link #decode} reads them.
 */
final class EventBatch {

    static final byte VERSION = 1;
    static final byte EVENT = 1;
    static final byte POSITION_ONLY = 2;

    private EventBatch() {
    }

    /**
     * The entries of a version-{@value #VERSION} body, or empty when the body is malformed: truncated, an unknown
     * kind, no entry at all, or positions that do not strictly ascend.
     */
    static Optional<List<StreamEntry>> decode(byte[] body) {
        if (body.length < 1 || body[0] != VERSION) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(body, 1, body.length - 1);
        List<StreamEntry> entries = new ArrayList<>();
        Position previous = Position.NONE;
        try {
            while (in.hasRemaining()) {
                byte kind = in.get();
                Position position = new Position(in.getLong(), in.getLong());
                if (!position.isAfter(previous)) {
                    return Optional.empty();
                }
                previous = position;
                switch (kind) {
                    case EVENT -> {
                        String eventId = string(in);
                        String eventType = string(in);
                        String data = string(in);
                        String metadata = string(in);
                        Instant created = Instant.ofEpochSecond(in.getLong(), in.getInt());
                        entries.add(new StreamEntry(position,
                                Optional.of(new Event(eventId, eventType, data, metadata, position, created))));
                    }
                    case POSITION_ONLY -> entries.add(new StreamEntry(position, Optional.empty()));
                    default -> {
                        return Optional.empty();
                    }
                }
            }
        } catch (BufferUnderflowException | OrisunException | IllegalArgumentException | DateTimeException e) {
            // OrisunException: a position below {-1,-1}; IllegalArgumentException: what the event record refuses.
            return Optional.empty();
        }
        return entries.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(entries));
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        String value = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return value;
    }

    /**
     * Builds batch bodies in one growing buffer, reused from one batch to the next; one thread at a time. Entries
     * are appended, and the publisher then takes either every entry or all but the last as one body.
     */
    static final class Writer {

        private byte[] buffer = new byte[64 * 1024];
        private int length;

        Writer() {
            reset();
        }

        /** Starts an empty body. */
        void reset() {
            length = 0;
            buffer[length++] = VERSION;
        }

        /** The body's size so far, in bytes; an entry starts at the size before it was added. */
        int size() {
            return length;
        }

        /** Whether the body holds no entry. */
        boolean isEmpty() {
            return length == 1;
        }

        void add(Event event) {
            Position position = event.position();
            head(EVENT, position);
            string(event.eventId());
            string(event.eventType());
            string(event.data());
            string(event.metadata());
            putLong(event.dateCreated().getEpochSecond());
            putInt(event.dateCreated().getNano());
        }

        void addPositionOnly(Position position) {
            head(POSITION_ONLY, position);
        }

        /** Removes the entry that starts at {@code mark}, the last one added. */
        void dropFrom(int mark) {
            length = mark;
        }

        /** Every entry as one body; the writer starts an empty body. */
        byte[] takeAll() {
            byte[] body = Arrays.copyOf(buffer, length);
            reset();
            return body;
        }

        /** The entries before {@code mark} as one body; the entry from {@code mark} on starts the next body. */
        byte[] takeBefore(int mark) {
            byte[] body = Arrays.copyOf(buffer, mark);
            System.arraycopy(buffer, mark, buffer, 1, length - mark);
            length = 1 + length - mark;
            return body;
        }

        private void head(byte kind, Position position) {
            ensure(1 + 2 * Long.BYTES);
            buffer[length++] = kind;
            putLong(position.transactionId());
            putLong(position.globalId());
        }

        private void string(String value) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            putInt(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buffer, length, bytes.length);
            length += bytes.length;
        }

        private void putLong(long value) {
            ensure(Long.BYTES);
            for (int i = Long.BYTES - 1; i >= 0; i--) {
                buffer[length + i] = (byte) value;
                value >>>= 8;
            }
            length += Long.BYTES;
        }

        private void putInt(int value) {
            ensure(Integer.BYTES);
            for (int i = Integer.BYTES - 1; i >= 0; i--) {
                buffer[length + i] = (byte) value;
                value >>>= 8;
            }
            length += Integer.BYTES;
        }

        private void ensure(int more) {
            if (length + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
            }
        }
    }
}
