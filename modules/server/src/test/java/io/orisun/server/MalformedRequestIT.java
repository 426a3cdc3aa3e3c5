package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.orisun.proto.GetEventsRequest;
import io.orisun.transport.RawBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Requests that cannot be read, sent as hand-made bytes to a real node: through grpc-java with a raw byte marshaller
 * and a short deadline, and frame by frame over HTTP/2 for what grpc-java never sends. Each gets its status at once,
 * is counted, and leaves no stream open; the connection stays usable.
 */
class MalformedRequestIT {

    private static final String GET_EVENTS = "orisun.EventStore/GetEvents";
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    /** Far below the deadline: an answer, not a timeout, even on a loaded machine. */
    private static final Duration PROMPT = Duration.ofSeconds(3);
    private static final Map<String, String> AUTH = Map.of("authorization",
            "Basic " + Base64.getEncoder().encodeToString("admin:changeit".getBytes(StandardCharsets.UTF_8)));

    private static final MethodDescriptor.Marshaller<byte[]> RAW = RawBytes.MARSHALLER;

    private static final MethodDescriptor<byte[], byte[]> RAW_GET_EVENTS = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(GET_EVENTS)
            .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();

    @SharedServer
    private static TestServer node;

    /** Field 5 (boundary, length-delimited) holding {@code boundary}, then field 3 (count) = 1. */
    private static byte[] getEvents(byte[] boundary) {
        byte[] request = new byte[2 + boundary.length + 2];
        request[0] = 0x2A;
        request[1] = (byte) boundary.length;
        System.arraycopy(boundary, 0, request, 2, boundary.length);
        request[2 + boundary.length] = 0x18;
        request[3 + boundary.length] = 0x01;
        return request;
    }

    private static final byte[] VALID = getEvents("orisun_test_1".getBytes(StandardCharsets.US_ASCII));

    private record Outcome(Status status, Duration took) {
    }

    private static Outcome callRaw(byte[] request) {
        long started = System.nanoTime();
        Status status;
        try {
            ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(node.channel(), TestServer.basicAuth("admin", "changeit")),
                    RAW_GET_EVENTS, CallOptions.DEFAULT.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
                    request);
            status = Status.OK;
        } catch (StatusRuntimeException e) {
            status = e.getStatus();
        }
        return new Outcome(status, Duration.ofNanos(System.nanoTime() - started));
    }

    private static ObservabilityIT.Scrape scrape() {
        try {
            return new ObservabilityIT.Scrape(ServerFoundationIT.get(node.adminUrl("/metrics")).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double malformed(String kind) {
        return scrape().valueOrZero("orisun_grpc_malformed_requests_total", "kind", kind);
    }

    /** Waits until no gRPC call is open on the node; the last frames of a call may still be on their way. */
    private static void assertNoCallStaysOpen() throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        double open = scrape().value("orisun_grpc_calls_open");
        while (open != 0 && System.nanoTime() < until) {
            Thread.sleep(50);
            open = scrape().value("orisun_grpc_calls_open");
        }
        assertThat(open).as("gRPC calls still open on the node").isZero();
    }

    @Test
    void a_valid_hand_made_request_is_answered_ok() {
        Outcome outcome = callRaw(VALID);
        assertThat(outcome.status().getCode()).as("%s", outcome.status()).isEqualTo(Status.Code.OK);
    }

    @Test
    void requests_that_protobuf_cannot_parse_are_answered_at_once_with_internal_and_counted() throws Exception {
        double before = malformed("unparseable");
        Map<String, byte[]> requests = Map.of(
                "a boundary holding ED A0 80 (a lone surrogate)", getEvents(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                "a length-delimited field cut short", new byte[] {0x2A, 0x0A, 'o', 'r'},
                "bytes that are no protobuf message", "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, byte[]> request : requests.entrySet()) {
            Outcome outcome = callRaw(request.getValue());
            assertThat(outcome.status().getCode()).as("%s: %s", request.getKey(), outcome.status())
                    .isEqualTo(Status.Code.INTERNAL);
            assertThat(outcome.took()).as("%s answered after", request.getKey()).isLessThan(PROMPT);
            assertThat(outcome.status().getDescription()).as(request.getKey())
                    .startsWith("the request is not a valid orisun.GetEventsRequest message: ");
        }
        assertThat(malformed("unparseable") - before).isEqualTo(requests.size());
        assertThat(callRaw(VALID).status().getCode()).as("a valid request afterwards").isEqualTo(Status.Code.OK);
        assertNoCallStaysOpen();
    }

    @Test
    void invalid_utf8_is_named_in_the_status() {
        Outcome outcome = callRaw(getEvents(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        assertThat(outcome.status().getDescription()).containsIgnoringCase("UTF-8");
    }

    @Test
    void malformed_framing_is_answered_at_once_over_one_connection_that_stays_usable() throws Exception {
        try (RawHttp2Connection connection = RawHttp2Connection.open(node.server().grpcPort())) {
            String path = "/" + GET_EVENTS;

            int compressedWithoutEncoding = connection.request(path, AUTH);
            connection.data(compressedWithoutEncoding, RawHttp2Connection.message(1, VALID.length, VALID), true);
            assertStatus(connection, compressedWithoutEncoding, Status.Code.INTERNAL, "marked compressed");

            Map<String, String> unknownEncoding = new HashMap<>(AUTH);
            unknownEncoding.put("grpc-encoding", "lz77-unheard-of");
            int unknown = connection.request(path, unknownEncoding);
            connection.data(unknown, RawHttp2Connection.message(1, VALID.length, VALID), true);
            RawHttp2Connection.Answer unknownAnswer = assertStatus(connection, unknown, Status.Code.UNIMPLEMENTED,
                    "lz77-unheard-of");
            assertThat(unknownAnswer.get("grpc-accept-encoding")).as("grpc-accept-encoding").contains("gzip");

            int longerThanPrefix = connection.request(path, AUTH);
            byte[] tooLong = RawHttp2Connection.message(0, VALID.length - 3, VALID);
            connection.data(longerThanPrefix, tooLong, true);
            assertStatus(connection, longerThanPrefix, Status.Code.INTERNAL, "ended inside a message header");

            int twoMessages = connection.request(path, AUTH);
            connection.data(twoMessages, RawHttp2Connection.message(VALID), false);
            connection.data(twoMessages, RawHttp2Connection.message(VALID), true);
            assertStatus(connection, twoMessages, Status.Code.INTERNAL, "one request message");

            int halfWay = connection.request(path, AUTH);
            byte[] whole = RawHttp2Connection.message(VALID);
            connection.data(halfWay, Arrays.copyOf(whole, 9), true);
            assertStatus(connection, halfWay, Status.Code.INTERNAL, "ended inside a message (4 of the 17 bytes");

            int noMessage = connection.request(path, AUTH);
            connection.data(noMessage, new byte[0], true);
            assertStatus(connection, noMessage, Status.Code.INTERNAL, "without its request message");

            int badFlags = connection.request(path, AUTH);
            connection.data(badFlags, RawHttp2Connection.message(0x80, VALID.length, VALID), true);
            assertStatus(connection, badFlags, Status.Code.INTERNAL, "flags byte 0x80");

            int tooLarge = connection.request(path, AUTH);
            connection.data(tooLarge, RawHttp2Connection.message(0, 0x7FFF_FFF0L, new byte[16]), false);
            assertStatus(connection, tooLarge, Status.Code.RESOURCE_EXHAUSTED, "ORISUN_GRPC_MAX_RECEIVE_MESSAGE_SIZE");
            connection.data(tooLarge, new byte[16], true);

            int cancelledHalfWay = connection.request(path, AUTH);
            connection.data(cancelledHalfWay, Arrays.copyOf(whole, 9), false);
            connection.reset(cancelledHalfWay);

            int valid = connection.request(path, AUTH);
            connection.data(valid, RawHttp2Connection.message(VALID), true);
            assertStatus(connection, valid, Status.Code.OK, "");
        }
        assertNoCallStaysOpen();
    }

    private static RawHttp2Connection.Answer assertStatus(RawHttp2Connection connection, int streamId, Status.Code code,
                                                          String inMessage) throws IOException {
        long started = System.nanoTime();
        RawHttp2Connection.Answer answer = connection.awaitEnd(streamId);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(answer.resetCode()).as("stream %d was reset instead of answered: %s", streamId, answer).isEqualTo(-1);
        assertThat(answer.get("grpc-status")).as("stream %d: %s", streamId, answer)
                .isEqualTo(String.valueOf(code.value()));
        assertThat(answer.headers().getOrDefault("grpc-message", "")).as("stream %d", streamId).contains(inMessage);
        assertThat(took).as("stream %d answered after", streamId).isLessThan(PROMPT);
        return answer;
    }

    @Test
    void a_request_to_helidon_s_own_reflection_service_that_cannot_be_read_is_answered_too() throws Exception {
        double before = malformed("unreadable");
        try (RawHttp2Connection connection = RawHttp2Connection.open(node.server().grpcPort())) {
            int stream = connection.request("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", Map.of());
            connection.data(stream, RawHttp2Connection.message("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)),
                    true);
            assertStatus(connection, stream, Status.Code.INTERNAL, "could not be read");

            int valid = connection.request("/" + GET_EVENTS, AUTH);
            connection.data(valid, RawHttp2Connection.message(VALID), true);
            assertStatus(connection, valid, Status.Code.OK, "");
        }
        assertThat(malformed("unreadable") - before).isEqualTo(1);
        assertNoCallStaysOpen();
    }

    @Test
    void echoed_input_arrives_percent_encoded_escaped_and_short() throws Exception {
        StatusRuntimeException accented = callGetEvents("50%\u00e9");
        assertThat(accented.getStatus().getDescription()).as("through grpc-java")
                .isEqualTo("boundary name '50%\\u00E9' is not a valid identifier (letters, digits and '_', starting"
                        + " with a letter or '_', at most 63 characters)");

        StatusRuntimeException long70k = callGetEvents("b".repeat(70_000));
        assertThat(long70k.getStatus().getDescription()).as("through grpc-java")
                .startsWith("boundary name '" + "b".repeat(64) + "...' is not a valid identifier")
                .hasSizeLessThan(200);

        try (RawHttp2Connection connection = RawHttp2Connection.open(node.server().grpcPort())) {
            byte[] boundary = "50%\u00e9".getBytes(StandardCharsets.UTF_8);
            int stream = connection.request("/" + GET_EVENTS, AUTH);
            connection.data(stream, RawHttp2Connection.message(getEvents(boundary)), true);
            RawHttp2Connection.Answer answer = connection.awaitEnd(stream);
            String onTheWire = answer.get("grpc-message");
            assertThat(onTheWire).as("grpc-message as sent").contains("'50%25\\u00E9'");
            assertThat(onTheWire.chars()).as("grpc-message bytes, hex %s",
                            HexFormat.of().formatHex(onTheWire.getBytes(StandardCharsets.ISO_8859_1)))
                    .allMatch(c -> c >= 0x20 && c <= 0x7E);
        }
    }

    private static StatusRuntimeException callGetEvents(String boundary) {
        try {
            node.eventStore().withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                    .getEvents(GetEventsRequest.newBuilder().setBoundary(boundary).setCount(1).build());
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("GetEvents on boundary " + boundary.substring(0, Math.min(20, boundary.length()))
                + " succeeded");
    }
}
