package io.orisun.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.helidon.common.buffers.BufferData;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestFramingTest {

    private static byte[] message(int flags, int length, int bodyBytes) {
        return ByteBuffer.allocate(5 + bodyBytes).put((byte) flags).putInt(length).put(new byte[bodyBytes]).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer all = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }

    /** Feeds {@code bytes} in frames of {@code chunk} bytes, the last one ending the stream; returns the first fault. */
    private static Optional<RequestFraming.Fault> feed(RequestFraming framing, byte[] bytes, int chunk) {
        for (int at = 0; at < bytes.length || at == 0; at += chunk) {
            int end = Math.min(bytes.length, at + chunk);
            BufferData frame = BufferData.create(Arrays.copyOfRange(bytes, at, end));
            Optional<RequestFraming.Fault> fault = framing.next(frame, end == bytes.length);
            assertThat(frame.available()).as("bytes left for Helidon").isEqualTo(end - at);
            if (fault.isPresent() || end == bytes.length) {
                return fault;
            }
        }
        return Optional.empty();
    }

    @Test
    void whole_messages_pass_whatever_the_frame_boundaries() {
        byte[] stream = concat(message(0, 17, 17), message(0, 0, 0), message(1, 300, 300));
        for (int chunk : new int[] {1, 2, 5, 6, 17, 22, 100, stream.length}) {
            assertThat(feed(new RequestFraming(1024, true), stream, chunk)).as("chunk %d", chunk).isEmpty();
        }
    }

    @Test
    void a_stream_that_ends_inside_a_message_or_its_header_is_a_fault() {
        for (int chunk : new int[] {1, 3, 100}) {
            assertThat(feed(new RequestFraming(1024, false), Arrays.copyOf(message(0, 17, 17), 9), chunk))
                    .map(fault -> fault.status().getDescription())
                    .hasValue("the request stream ended inside a message (4 of the 17 bytes its length prefix announced)");
            assertThat(feed(new RequestFraming(1024, false), concat(message(0, 14, 14), new byte[3]), chunk))
                    .map(fault -> fault.status().getDescription())
                    .hasValue("the request stream ended inside a message header (3 of 5 bytes)");
        }
    }

    @Test
    void a_compressed_message_needs_a_compression_the_call_named() {
        Optional<RequestFraming.Fault> fault = feed(new RequestFraming(1024, false), message(1, 4, 4), 100);
        assertThat(fault).map(RequestFraming.Fault::kind).hasValue("compression");
        assertThat(fault).map(f -> f.status().getCode()).hasValue(Status.Code.INTERNAL);
    }

    @Test
    void a_length_prefix_above_the_limit_is_refused_before_its_bytes_arrive() {
        Optional<RequestFraming.Fault> fault = feed(new RequestFraming(1024, false), message(0, 1025, 0), 100);
        assertThat(fault).map(f -> f.status().getCode()).hasValue(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(feed(new RequestFraming(1024, false), message(0, 1024, 1024), 100)).isEmpty();
    }

    @Test
    void undefined_flag_bits_are_a_fault_and_the_first_fault_is_the_only_one() {
        RequestFraming framing = new RequestFraming(1024, true);
        assertThat(feed(framing, message(2, 0, 0), 100)).map(RequestFraming.Fault::kind).hasValue("framing");
        assertThat(framing.next(BufferData.create(message(0, 99, 1)), true)).isEmpty();
    }
}
