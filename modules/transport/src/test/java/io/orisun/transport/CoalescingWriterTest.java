package io.orisun.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What reaches the socket, and when, through a {@link CoalescingWriter}, against a socket that records its writes. */
class CoalescingWriterTest {

    /** A linger no test outlasts: the tests of what is held see only the sends they cause themselves. */
    private static final long HOLD_MILLIS = Duration.ofHours(1).toMillis();

    @Test
    void writes_at_once_outside_a_batch() {
        Socket socket = new Socket();
        CoalescingWriter writer = new CoalescingWriter(socket);

        writer.writeNow(bytes(10, 1));
        writer.writeNow(bytes(20, 2));

        assertThat(socket.writes()).containsExactly(10, 20);
    }

    @Test
    void holds_a_batch_until_it_flushes_and_keeps_the_bytes_in_order() {
        Socket socket = new Socket();
        CoalescingWriter writer = new CoalescingWriter(socket, new EndedStreams(), HOLD_MILLIS);

        CoalescingWriter.batched(() -> {
            for (int i = 0; i < 5; i++) {
                writer.writeNow(bytes(100, i));
            }
            assertThat(socket.writes()).as("writes before the flush").isEmpty();
            CoalescingWriter.flushBatch();
            assertThat(socket.writes()).as("writes after the flush").containsExactly(500);
            writer.writeNow(bytes(100, 5));
        });

        assertThat(socket.writes()).as("the end of the batch sends the rest").containsExactly(500, 100);
        assertThat(socket.bytes()).isEqualTo(sequence(6, 100));
    }

    @Test
    void another_threads_write_sends_the_held_bytes_first() throws Exception {
        Socket socket = new Socket();
        CoalescingWriter writer = new CoalescingWriter(socket, new EndedStreams(), HOLD_MILLIS);

        CoalescingWriter.batched(() -> {
            writer.writeNow(bytes(100, 0));
            Thread other = Thread.ofVirtual().start(() -> writer.writeNow(bytes(100, 1)));
            try {
                other.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            assertThat(socket.writes()).containsExactly(200);
        });

        assertThat(socket.bytes()).isEqualTo(sequence(2, 100));
    }

    @Test
    void a_full_buffer_goes_out_without_waiting_for_the_flush() {
        Socket socket = new Socket();
        CoalescingWriter writer = new CoalescingWriter(socket, new EndedStreams(), HOLD_MILLIS);
        int frame = 1000;
        int frames = CoalescingWriter.LIMIT / frame + 1;

        CoalescingWriter.batched(() -> {
            for (int i = 0; i < frames; i++) {
                writer.writeNow(bytes(frame, i));
            }
            assertThat(socket.writes()).containsExactly((frames - 1) * frame);
        });

        assertThat(socket.bytes()).isEqualTo(sequence(frames, frame));
    }

    @Test
    void held_bytes_go_out_by_themselves_when_the_batch_waits() throws Exception {
        Socket socket = new Socket();
        CoalescingWriter writer = new CoalescingWriter(socket);

        CoalescingWriter.batched(() -> {
            writer.writeNow(bytes(100, 0));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (socket.writes().isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(socket.writes()).as("writes while the handler waits").containsExactly(100);
        });
    }

    private static BufferData bytes(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return BufferData.create(bytes);
    }

    private static byte[] sequence(int parts, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < parts; i++) {
            byte[] part = new byte[length];
            Arrays.fill(part, (byte) i);
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A socket that records each write. */
    private static final class Socket implements DataWriter {

        private final List<Integer> writes = new ArrayList<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(BufferData... buffers) {
            writeNow(buffers);
        }

        @Override
        public void write(BufferData buffer) {
            writeNow(buffer);
        }

        @Override
        public void writeNow(BufferData... buffers) {
            for (BufferData buffer : buffers) {
                writeNow(buffer);
            }
        }

        @Override
        public synchronized void writeNow(BufferData buffer) {
            byte[] data = new byte[buffer.available()];
            buffer.read(data);
            writes.add(data.length);
            bytes.writeBytes(data);
        }

        synchronized List<Integer> writes() {
            return List.copyOf(writes);
        }

        synchronized byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
