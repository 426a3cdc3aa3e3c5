package io.orisun.publisher;

import io.orisun.api.BoundarySpec;
import io.orisun.api.InvalidRequest;
import io.orisun.api.Position;
import io.orisun.api.Query;
import java.util.Objects;
import java.util.Optional;

/**
 * A catch-up subscription as a client asks for it.
 *
 * @param boundary       the boundary to follow
 * @param query          which events to deliver; {@link Query#all()} for every event
 * @param after          deliver events after this position (exclusive); {@link Position#NONE} or {@code (0,0)}
 *                       mean the whole history; empty means only events committed after the subscription starts
 * @param subscriberName the subscriber's name, unique per boundary among the live subscriptions of a node
 */
public record CatchUpRequest(String boundary, Query query, Optional<Position> after, String subscriberName) {

    /** The longest subscriber name accepted. */
    public static final int MAX_NAME_LENGTH = 256;

    /** @throws InvalidRequest for an invalid boundary name or a missing or overlong subscriber name */
    public CatchUpRequest {
        BoundarySpec.requireBoundaryName(boundary);
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(after, "after");
        if (subscriberName == null || subscriberName.isBlank()) {
            throw new InvalidRequest("subscriber_name is required");
        }
        if (subscriberName.length() > MAX_NAME_LENGTH) {
            throw new InvalidRequest("subscriber_name is longer than " + MAX_NAME_LENGTH + " characters");
        }
    }
}
