package io.orisun.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.junit.jupiter.api.Test;

class RepeatedResetFilterTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void passes_every_frame_but_the_repeated_resets_of_a_stream_whatever_the_read_boundaries() {
        byte[] settings = frame(0x4, 0, new byte[6]);
        byte[] headers = frame(0x1, 5, new byte[40]);
        byte[] data = frame(0x0, 5, new byte[300]);
        byte[] cancel = frame(0x3, 5, new byte[] {0, 0, 0, 8});
        byte[] closed = frame(0x3, 5, new byte[] {0, 0, 0, 5});
        byte[] windowUpdate = frame(0x8, 0, new byte[] {0, 0, 1, 0});
        byte[] otherCancel = frame(0x3, 7, new byte[] {0, 0, 0, 8});
        byte[] input = concat(PREFACE, settings, headers, data, cancel, closed, windowUpdate, closed, otherCancel, closed);
        byte[] expected = concat(PREFACE, settings, headers, data, cancel, windowUpdate, otherCancel);

        for (int chunk : new int[] {1, 2, 5, 9, 13, 24, 100, input.length}) {
            RepeatedResetFilter filter = new RepeatedResetFilter(reader(input, chunk));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] bytes = filter.get(); bytes != null; bytes = filter.get()) {
                out.writeBytes(bytes);
            }
            assertThat(out.toByteArray()).as("reads of %d bytes", chunk).isEqualTo(expected);
            assertThat(filter.dropped()).as("reads of %d bytes", chunk).isEqualTo(3);
        }
    }

    @Test
    void hands_on_a_read_without_a_repeated_reset_as_it_came() {
        byte[] input = concat(PREFACE, frame(0x4, 0, new byte[6]), frame(0x3, 3, new byte[] {0, 0, 0, 8}));
        RepeatedResetFilter filter = new RepeatedResetFilter(reader(input, input.length));

        assertThat(filter.filter(input)).isSameAs(input);
    }

    @Test
    void drops_the_first_reset_of_a_stream_the_server_has_ended_and_passes_resets_of_live_streams() {
        EndedStreams ended = new EndedStreams();
        // The server's writes: trailers ending stream 5 (HEADERS, END_STREAM | END_HEADERS), then one DATA frame of
        // stream 9 without END_STREAM and a DATA frame ending stream 11, in one buffer.
        ended.scan(BufferData.create(frameWithFlags(0x1, 0x5, 5, new byte[12])));
        ended.scan(BufferData.create(concat(frameWithFlags(0x0, 0x0, 9, new byte[200]),
                frameWithFlags(0x0, 0x1, 11, new byte[3]))));
        assertThat(ended.ended(5)).isTrue();
        assertThat(ended.ended(9)).isFalse();
        assertThat(ended.ended(11)).isTrue();

        byte[] cancelEnded = frame(0x3, 5, new byte[] {0, 0, 0, 8});
        byte[] cancelLive = frame(0x3, 9, new byte[] {0, 0, 0, 8});
        byte[] cancelEndedData = frame(0x3, 11, new byte[] {0, 0, 0, 0});
        byte[] input = concat(PREFACE, cancelEnded, cancelLive, cancelEndedData);
        for (int chunk : new int[] {1, 7, input.length}) {
            RepeatedResetFilter filter = new RepeatedResetFilter(reader(input, chunk), ended, length -> { });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] bytes = filter.get(); bytes != null; bytes = filter.get()) {
                out.writeBytes(bytes);
            }
            assertThat(out.toByteArray()).as("reads of %d bytes", chunk).isEqualTo(concat(PREFACE, cancelLive));
        }
    }

    @Test
    void drops_a_data_frame_of_a_stream_the_client_has_reset_and_gives_its_length_back_to_the_client() {
        // As grpc-java sends a call cancelled while its request waited to be written: HEADERS, RST_STREAM, then the
        // request's DATA (END_STREAM); and another stream's DATA, which must pass.
        byte[] headers = frameWithFlags(0x1, 0x4, 7, new byte[27]);
        byte[] cancel = frame(0x3, 7, new byte[] {0, 0, 0, 8});
        byte[] lateData = frameWithFlags(0x0, 0x1, 7, new byte[89]);
        byte[] otherData = frameWithFlags(0x0, 0x1, 9, new byte[40]);
        byte[] input = concat(PREFACE, headers, cancel, lateData, otherData);
        for (int chunk : new int[] {1, 7, 50, input.length}) {
            java.util.List<Integer> credited = new java.util.ArrayList<>();
            RepeatedResetFilter filter = new RepeatedResetFilter(reader(input, chunk), new EndedStreams(), credited::add);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] bytes = filter.get(); bytes != null; bytes = filter.get()) {
                out.writeBytes(bytes);
            }
            assertThat(out.toByteArray()).as("reads of %d bytes", chunk)
                    .isEqualTo(concat(PREFACE, headers, cancel, otherData));
            assertThat(credited).as("reads of %d bytes", chunk).containsExactly(89);
        }
        assertThat(RepeatedResetFilter.connectionWindowUpdate(89)).isEqualTo(frame(0x8, 0, new byte[] {0, 0, 0, 89}));
    }

    private static byte[] frameWithFlags(int type, int flags, int streamId, byte[] payload) {
        byte[] frame = frame(type, streamId, payload);
        frame[4] = (byte) flags;
        return frame;
    }

    private static DataReader reader(byte[] input, int chunk) {
        Deque<byte[]> reads = new ArrayDeque<>();
        for (int i = 0; i < input.length; i += chunk) {
            reads.add(Arrays.copyOfRange(input, i, Math.min(input.length, i + chunk)));
        }
        return DataReader.create(reads::poll);
    }

    private static byte[] frame(int type, int streamId, byte[] payload) {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = (byte) type;
        frame[5] = (byte) (streamId >>> 24);
        frame[6] = (byte) (streamId >>> 16);
        frame[7] = (byte) (streamId >>> 8);
        frame[8] = (byte) streamId;
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
