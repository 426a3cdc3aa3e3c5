package io.orisun.publisher;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.orisun.api.Event;
import io.orisun.api.Position;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does authenticating an event message cost? The publisher computes one HMAC-SHA256 per message
 * ({@link #sign}), and the live feed of every node that follows the boundary checks it once per message
 * ({@link #verify}); {@link #signAndVerify} is the whole cost a message pays on one node. Each message here is a
 * batch message of one event with a 256-byte payload, the smallest there is. The class sits in the publisher's
 * package because {@link EventMac.Calculator} is internal.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventMacBenchmark {

    private static final int EVENTS = 64;
    private static final String BOUNDARY = "orders";

    private EventMac.Calculator publisher;
    private EventMac.Calculator feed;
    private Position[] positions;
    private byte[][] bodies;
    private Message[] messages;
    private int next;

    @Setup
    public void prepare() {
        EventMac key = EventMac.of("benchmark-event-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        publisher = key.calculator();
        feed = key.calculator();
        positions = new Position[EVENTS];
        bodies = new byte[EVENTS][];
        messages = new Message[EVENTS];
        Instant now = Instant.now();
        for (int i = 0; i < EVENTS; i++) {
            String prefix = "{\"benchmark_context\":\"ctx-" + (i % 16) + "\",\"pad\":\"";
            String data = prefix + "x".repeat(256 - prefix.length() - 2) + "\"}";
            positions[i] = new Position(1_000 + i, i);
            Event event = new Event("id-" + i, "BenchmarkEvent", data, "{}", positions[i], now);
            EventBatch.Writer writer = new EventBatch.Writer();
            writer.add(event);
            bodies[i] = writer.takeAll();
            Headers headers = EventMessage.headers(positions[i]);
            headers.put(EventMac.HEADER, publisher.tag(BOUNDARY, positions[i], bodies[i]));
            messages[i] = NatsMessage.builder().subject("s").headers(headers).data(bodies[i]).build();
        }
    }

    @Benchmark
    public String sign() {
        int i = next++ & (EVENTS - 1);
        return publisher.tag(BOUNDARY, positions[i], bodies[i]);
    }

    @Benchmark
    public boolean verify() {
        int i = next++ & (EVENTS - 1);
        return feed.verify(BOUNDARY, messages[i]);
    }

    @Benchmark
    public boolean signAndVerify() {
        int i = next++ & (EVENTS - 1);
        publisher.tag(BOUNDARY, positions[i], bodies[i]);
        return feed.verify(BOUNDARY, messages[i]);
    }
}
