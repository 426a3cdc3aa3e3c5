package io.orisun.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.orisun.api.AppendCondition;
import io.orisun.api.Criterion;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.SaveRequest;
import io.orisun.api.Tag;
import io.orisun.proto.GetEventsResponse;
import io.orisun.proto.SaveEventsRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does crossing the wire cost per request, next to the database work: parsing a {@code SaveEventsRequest} of 1,
 * 10 or 100 events (256-byte payloads, a one-tag context, as the load tool sends), building the domain records a
 * save becomes, and turning stored events back into a serialized {@code GetEventsResponse}? The server's own mapping
 * class is internal to it, so {@link #toDomain} does the same steps here (records, validation in their constructors)
 * rather than call it; a gap between the two would show as a server-side cost the load tool sees and this does not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ProtoMappingBenchmark {

    @Param({"1", "10", "100"})
    public int events;

    private SaveEventsRequest request;
    private byte[] requestBytes;
    private List<Event> stored;

    @Setup
    public void prepare() {
        Payload payload = new Payload(256);
        request = WriteClient.request("orisun_test_1", "w-0123abcd-write-conditional-1-7-4242", payload, events, true);
        requestBytes = request.toByteArray();
        stored = new ArrayList<>(events);
        Instant now = Instant.now();
        List<EventToSave> saved = toDomain(request).events();
        for (int i = 0; i < events; i++) {
            EventToSave event = saved.get(i);
            stored.add(new Event(event.eventId(), event.eventType(), event.data(), event.metadata(),
                    new Position(1_000_000 + events, 1_000_000 + i), now));
        }
    }

    @Benchmark
    public SaveEventsRequest parseSaveRequest() throws InvalidProtocolBufferException {
        return SaveEventsRequest.parseFrom(requestBytes);
    }

    @Benchmark
    public byte[] serializeSaveRequest() {
        return request.toByteArray();
    }

    @Benchmark
    public SaveRequest toDomain() {
        return toDomain(request);
    }

    @Benchmark
    public SaveRequest parseAndMapSave() throws InvalidProtocolBufferException {
        return toDomain(SaveEventsRequest.parseFrom(requestBytes));
    }

    @Benchmark
    public byte[] mapAndSerializeReadResponse() {
        GetEventsResponse.Builder response = GetEventsResponse.newBuilder();
        for (Event event : stored) {
            Instant created = event.dateCreated();
            response.addEvents(io.orisun.proto.Event.newBuilder()
                    .setEventId(event.eventId())
                    .setEventType(event.eventType())
                    .setData(event.data())
                    .setMetadata(event.metadata())
                    .setPosition(io.orisun.proto.Position.newBuilder()
                            .setTransactionId(event.position().transactionId())
                            .setGlobalId(event.position().globalId()))
                    .setDateCreated(Timestamp.newBuilder()
                            .setSeconds(created.getEpochSecond()).setNanos(created.getNano())));
        }
        return response.build().toByteArray();
    }

    /** The domain save a wire request stands for: a condition exactly when it carries a query. */
    private static SaveRequest toDomain(SaveEventsRequest request) {
        List<EventToSave> events = new ArrayList<>(request.getEventsCount());
        for (io.orisun.proto.EventToSave event : request.getEventsList()) {
            events.add(new EventToSave(event.getEventId(), event.getEventType(), event.getData(), event.getMetadata()));
        }
        AppendCondition condition = AppendCondition.none();
        if (request.hasQuery()) {
            List<Criterion> criteria = new ArrayList<>();
            for (io.orisun.proto.Criterion criterion : request.getQuery().getSubsetQuery().getCriteriaList()) {
                List<Tag> tags = new ArrayList<>(criterion.getTagsCount());
                for (io.orisun.proto.Tag tag : criterion.getTagsList()) {
                    tags.add(new Tag(tag.getKey(), tag.getValue()));
                }
                criteria.add(new Criterion(tags));
            }
            io.orisun.proto.Position expected = request.getQuery().getExpectedPosition();
            condition = AppendCondition.contextAt(new Query(criteria),
                    new Position(expected.getTransactionId(), expected.getGlobalId()));
        }
        return new SaveRequest(request.getBoundary(), condition, events);
    }
}
