package io.orisun.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Translation between the client's records and the wire messages, and from wire failures to exceptions. */
final class Wire {

    /** The conflict text both Orisun and Orisun-J send with {@code ALREADY_EXISTS}. */
    private static final Pattern CONFLICT = Pattern.compile(
            "Expected \\((-?\\d+), ?(-?\\d+)\\), Actual \\((-?\\d+), ?(-?\\d+)\\)");

    private Wire() {
    }

    static io.orisun.proto.Position position(Position position) {
        return io.orisun.proto.Position.newBuilder()
                .setTransactionId(position.transactionId()).setGlobalId(position.globalId()).build();
    }

    static Position position(io.orisun.proto.Position position) {
        return new Position(position.getTransactionId(), position.getGlobalId());
    }

    static io.orisun.proto.Query query(Query query) {
        io.orisun.proto.Query.Builder builder = io.orisun.proto.Query.newBuilder();
        for (Criterion criterion : query.criteria()) {
            builder.addCriteria(criterion(criterion));
        }
        return builder.build();
    }

    static io.orisun.proto.Criterion criterion(Criterion criterion) {
        io.orisun.proto.Criterion.Builder builder = io.orisun.proto.Criterion.newBuilder();
        for (Tag tag : criterion.tags()) {
            builder.addTags(io.orisun.proto.Tag.newBuilder().setKey(tag.key()).setValue(tag.value()));
        }
        return builder.build();
    }

    static List<io.orisun.proto.EventToSave> toSave(List<EventToSave> events) {
        List<io.orisun.proto.EventToSave> wire = new ArrayList<>(events.size());
        for (EventToSave event : events) {
            wire.add(io.orisun.proto.EventToSave.newBuilder()
                    .setEventId(event.eventId())
                    .setEventType(event.eventType())
                    .setData(event.data())
                    .setMetadata(event.metadata())
                    .build());
        }
        return wire;
    }

    static Event event(io.orisun.proto.Event event) {
        Instant created = Instant.ofEpochSecond(event.getDateCreated().getSeconds(), event.getDateCreated().getNanos());
        return new Event(event.getEventId(), event.getEventType(), event.getData(), event.getMetadata(),
                position(event.getPosition()), created);
    }

    static List<Event> events(io.orisun.proto.GetEventsResponse response) {
        List<Event> events = new ArrayList<>(response.getEventsCount());
        for (io.orisun.proto.Event event : response.getEventsList()) {
            events.add(event(event));
        }
        return events;
    }

    /**
     * The exception for a failed save: a {@link ContextChangedException} when the server reports a conflict
     * (its message carries both positions), otherwise as {@link #failure}.
     */
    static OrisunClientException saveFailure(StatusRuntimeException failure) {
        Status status = failure.getStatus();
        if (status.getCode() == Status.Code.ALREADY_EXISTS && status.getDescription() != null) {
            Matcher matcher = CONFLICT.matcher(status.getDescription());
            if (matcher.find()) {
                return new ContextChangedException(
                        new Position(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))),
                        new Position(Long.parseLong(matcher.group(3)), Long.parseLong(matcher.group(4))), failure);
            }
        }
        return failure(failure);
    }

    /** The exception for any failed call, keeping the server's description. */
    static OrisunClientException failure(StatusRuntimeException failure) {
        Status status = failure.getStatus();
        String description = status.getDescription() != null ? status.getDescription()
                : status.getCause() != null ? String.valueOf(status.getCause().getMessage()) : "no description";
        return new OrisunClientException(status.getCode(), description, failure);
    }
}
