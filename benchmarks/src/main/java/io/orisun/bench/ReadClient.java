package io.orisun.bench;

import io.orisun.proto.Criterion;
import io.orisun.proto.Direction;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.Position;
import io.orisun.proto.Query;
import io.orisun.proto.Tag;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client of the read scenarios. {@code read-conditional} asks for the events of one random
 * {@code benchmark_context = tag-<k>} (the values prepopulation writes), oldest first; {@code read-unconditional}
 * asks for a page of the whole log starting at a random transaction id at or below the head's. Both ask for
 * {@code --read-count} events and count what comes back.
 */
final class ReadClient implements ClosedLoop.Client {

    private final ServerConnection server;
    private final String boundary;
    private final boolean conditional;
    private final int count;
    private final int tagCardinality;
    private final long headTransactionId;

    /**
     * @param headTransactionId the newest transaction id when the run starts, or -1 for an empty log; only the
     *                          unconditional read uses it
     */
    ReadClient(ServerConnection server, String boundary, Scenario scenario, int count, int tagCardinality,
               long headTransactionId) {
        this.server = server;
        this.boundary = boundary;
        this.conditional = scenario.kind() == Scenario.Kind.READ_CONDITIONAL;
        this.count = count;
        this.tagCardinality = tagCardinality;
        this.headTransactionId = headTransactionId;
    }

    @Override
    public int call(long iteration) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        GetEventsRequest.Builder request = GetEventsRequest.newBuilder()
                .setBoundary(boundary)
                .setCount(count)
                .setDirection(Direction.ASC);
        if (conditional) {
            request.setQuery(Query.newBuilder().addCriteria(Criterion.newBuilder()
                    .addTags(Tag.newBuilder().setKey(Payload.CONTEXT_KEY).setValue(tag(random.nextInt(tagCardinality))))));
        } else if (headTransactionId > 0) {
            request.setFromPosition(Position.newBuilder()
                    .setTransactionId(random.nextLong(headTransactionId + 1)).setGlobalId(0));
        }
        return server.eventStore().getEvents(request.build()).getEventsCount();
    }

    /** The context value of the prepopulated events of tag {@code k}. */
    static String tag(long k) {
        return "tag-" + k;
    }
}
