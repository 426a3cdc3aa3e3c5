package io.orisun.bench;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.proto.Criterion;
import io.orisun.proto.EventToSave;
import io.orisun.proto.Position;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.SaveQuery;
import io.orisun.proto.Tag;

/**
 * A client of the {@code write-*} scenarios: each call saves {@code eventsPerRequest} events whose context,
 * {@code benchmark_context = w-<run>-<client>-<iteration>}, is new. A conditional save expects that context to be
 * empty ({@code {-1,-1}}), so every save must succeed: a conflict is a false conflict.
 */
final class WriteClient implements ClosedLoop.Client {

    private static final Position NONE = Position.newBuilder().setTransactionId(-1).setGlobalId(-1).build();

    private final ServerConnection server;
    private final String boundary;
    private final boolean conditional;
    private final int eventsPerRequest;
    private final Payload payload;
    private final String contextPrefix;

    WriteClient(ServerConnection server, String boundary, Scenario scenario, Payload payload, String runId,
                int client) {
        this.server = server;
        this.boundary = boundary;
        this.conditional = scenario.kind() == Scenario.Kind.WRITE_CONDITIONAL;
        this.eventsPerRequest = scenario.eventsPerRequest();
        this.payload = payload;
        this.contextPrefix = "w-" + runId + "-" + scenario.name() + "-" + client + "-";
    }

    @Override
    public int call(long iteration) {
        String context = contextPrefix + iteration;
        server.eventStore().saveEvents(request(boundary, context, payload, eventsPerRequest, conditional));
        return eventsPerRequest;
    }

    /** A save of {@code events} events with ids {@code <context>-<i>}, conditional on the context being empty. */
    static SaveEventsRequest request(String boundary, String context, Payload payload, int events,
                                     boolean conditional) {
        String data = payload.data(context);
        SaveEventsRequest.Builder request = SaveEventsRequest.newBuilder().setBoundary(boundary);
        for (int i = 0; i < events; i++) {
            request.addEvents(EventToSave.newBuilder()
                    .setEventId(context + "-" + i)
                    .setEventType(Payload.EVENT_TYPE)
                    .setData(data)
                    .setMetadata(Payload.METADATA));
        }
        if (conditional) {
            request.setQuery(SaveQuery.newBuilder()
                    .setExpectedPosition(NONE)
                    .setSubsetQuery(Query.newBuilder().addCriteria(Criterion.newBuilder()
                            .addTags(Tag.newBuilder().setKey(Payload.CONTEXT_KEY).setValue(context)))));
        }
        return request.build();
    }

    @Override
    public boolean isConflict(Exception failure) {
        return conditional && failure instanceof StatusRuntimeException status
                && status.getStatus().getCode() == Status.Code.ALREADY_EXISTS;
    }
}
