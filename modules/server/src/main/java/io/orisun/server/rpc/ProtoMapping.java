package io.orisun.server.rpc;

import com.google.protobuf.Timestamp;
import io.orisun.api.AppendCondition;
import io.orisun.api.Criterion;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.InvalidRequest;
import io.orisun.api.LatestByCriteria;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.api.Tag;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.GetLatestByCriteriaResponse;
import io.orisun.proto.LatestCriterionResult;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.SaveQuery;
import io.orisun.proto.WriteResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Translation between the wire messages and the domain records. Input problems surface as {@link InvalidRequest}
 * naming the offending field; the records' own validation does the rest.
 */
public final class ProtoMapping {

    private ProtoMapping() {
    }

    static Position position(io.orisun.proto.Position position) {
        return new Position(position.getTransactionId(), position.getGlobalId());
    }

    static io.orisun.proto.Position position(Position position) {
        return io.orisun.proto.Position.newBuilder()
                .setTransactionId(position.transactionId())
                .setGlobalId(position.globalId())
                .build();
    }

    static Criterion criterion(io.orisun.proto.Criterion criterion) {
        List<Tag> tags = new ArrayList<>(criterion.getTagsCount());
        for (io.orisun.proto.Tag tag : criterion.getTagsList()) {
            tags.add(new Tag(tag.getKey(), tag.getValue()));
        }
        return new Criterion(tags);
    }

    static List<Criterion> criteria(List<io.orisun.proto.Criterion> criteria) {
        List<Criterion> result = new ArrayList<>(criteria.size());
        for (io.orisun.proto.Criterion criterion : criteria) {
            result.add(criterion(criterion));
        }
        return result;
    }

    static Query query(io.orisun.proto.Query query) {
        return new Query(criteria(query.getCriteriaList()));
    }

    static io.orisun.proto.Criterion criterion(Criterion criterion) {
        io.orisun.proto.Criterion.Builder builder = io.orisun.proto.Criterion.newBuilder();
        for (Tag tag : criterion.tags()) {
            builder.addTags(io.orisun.proto.Tag.newBuilder().setKey(tag.key()).setValue(tag.value()));
        }
        return builder.build();
    }

    /**
     * The save as the domain sees it. The condition applies exactly when the request carries a query: a
     * {@code subsetQuery} message, or criteria directly in the save query. Both are OR-ed together when both are set.
     */
    static SaveRequest saveRequest(SaveEventsRequest request) {
        if (request.getEventsCount() == 0) {
            throw new InvalidRequest("events must not be empty");
        }
        List<EventToSave> events = new ArrayList<>(request.getEventsCount());
        for (int i = 0; i < request.getEventsCount(); i++) {
            io.orisun.proto.EventToSave event = request.getEvents(i);
            try {
                events.add(new EventToSave(event.getEventId(), event.getEventType(), event.getData(), event.getMetadata()));
            } catch (InvalidRequest invalid) {
                throw new InvalidRequest("events[" + i + "]: " + invalid.getMessage());
            }
        }
        return new SaveRequest(request.getBoundary(), condition(request), events);
    }

    private static AppendCondition condition(SaveEventsRequest request) {
        if (!request.hasQuery()) {
            return AppendCondition.none();
        }
        SaveQuery saveQuery = request.getQuery();
        if (!saveQuery.hasSubsetQuery() && saveQuery.getCriteriaCount() == 0) {
            return AppendCondition.none();
        }
        List<Criterion> criteria = new ArrayList<>();
        if (saveQuery.hasSubsetQuery()) {
            criteria.addAll(criteria(saveQuery.getSubsetQuery().getCriteriaList()));
        }
        criteria.addAll(criteria(saveQuery.getCriteriaList()));
        Position expected = saveQuery.hasExpectedPosition() ? position(saveQuery.getExpectedPosition()) : Position.NONE;
        return AppendCondition.contextAt(new Query(criteria), expected);
    }

    static WriteResult writeResult(SaveResult result) {
        Position last = result.last();
        return WriteResult.newBuilder()
                .setLogPosition(position(last))
                .setNewGlobalId(last.globalId())
                .setLatestTransactionId(last.transactionId())
                .setLatestGlobalId(last.globalId())
                .build();
    }

    static ReadRequest readRequest(GetEventsRequest request) {
        if (request.hasFromPosition() && request.hasAfterPosition()) {
            throw new InvalidRequest("set from_position (inclusive) or after_position (exclusive), not both");
        }
        Direction direction = switch (request.getDirection()) {
            case ASC -> Direction.ASC;
            case DESC -> Direction.DESC;
            case UNRECOGNIZED -> throw new InvalidRequest("direction must be ASC or DESC");
        };
        ReadStart start = request.hasFromPosition() ? ReadStart.from(position(request.getFromPosition()))
                : request.hasAfterPosition() ? ReadStart.after(position(request.getAfterPosition()))
                : ReadStart.edge();
        // Clients that always send a position use {0,0} or {-1,-1} for "no position"; for a descending read that
        // means the newest end, not "before the first event", which would return nothing.
        if (direction == Direction.DESC && !(start instanceof ReadStart.Edge)
                && startPosition(start).isBeginning()) {
            start = ReadStart.edge();
        }
        Query query = request.hasQuery() ? query(request.getQuery()) : Query.all();
        long count = Integer.toUnsignedLong(request.getCount());
        if (count < 1 || count > ReadRequest.MAX_COUNT) {
            throw new InvalidRequest("count must be between 1 and " + ReadRequest.MAX_COUNT + ", got " + count);
        }
        return new ReadRequest(request.getBoundary(), query, start, direction, (int) count);
    }

    private static Position startPosition(ReadStart start) {
        return switch (start) {
            case ReadStart.From from -> from.position();
            case ReadStart.After after -> after.position();
            case ReadStart.Edge edge -> Position.NONE;
        };
    }

    static io.orisun.proto.Event event(Event event) {
        Instant created = event.dateCreated();
        return io.orisun.proto.Event.newBuilder()
                .setEventId(event.eventId())
                .setEventType(event.eventType())
                .setData(event.data())
                .setMetadata(event.metadata())
                .setPosition(position(event.position()))
                .setDateCreated(Timestamp.newBuilder().setSeconds(created.getEpochSecond()).setNanos(created.getNano()))
                .build();
    }

    static GetLatestByCriteriaResponse latestResponse(List<Criterion> criteria, LatestByCriteria latest) {
        GetLatestByCriteriaResponse.Builder response = GetLatestByCriteriaResponse.newBuilder()
                .setContextPosition(position(latest.contextPosition()));
        for (int i = 0; i < criteria.size(); i++) {
            LatestCriterionResult.Builder result = LatestCriterionResult.newBuilder().setCriterion(criterion(criteria.get(i)));
            Optional<Event> found = latest.latest().get(i);
            found.ifPresent(e -> result.setEvent(event(e)));
            response.addResults(result);
        }
        return response.build();
    }
}
