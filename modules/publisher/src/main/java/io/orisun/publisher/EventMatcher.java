package io.orisun.publisher;

import io.orisun.api.Criterion;
import io.orisun.api.Query;
import io.orisun.api.Tag;
import java.util.List;
import java.util.Map;

/**
 * A query as a predicate over live events, with the semantics of the SQL that catch-up reads run: criteria are
 * OR-ed, the tags of a criterion AND-ed; a tag compares {@code data->>'key'} (see {@link JsonbText}) with its value
 * as text, and the reserved keys {@code eventType} and {@code event_type} compare the event type instead.
 *
 * <p>The work per event is linear in the filter: at most one map lookup and one string comparison per tag, each
 * criterion stopping at its first mismatch, and the payload parsed at most once per event for all subscribers
 * ({@link FeedEvent#fields()}). The server checks every filter against its request limits when the subscription
 * is created, so that work is bounded by criteria times tags per criterion. Each subscription matches on its own
 * thread, so a wide filter costs its own stream time, not the other subscribers'.
 */
final class EventMatcher {

    private static final EventMatcher EVERYTHING = new EventMatcher(List.of(), false);

    private final List<Criterion> criteria;
    private final boolean readsPayload;

    private EventMatcher(List<Criterion> criteria, boolean readsPayload) {
        this.criteria = criteria;
        this.readsPayload = readsPayload;
    }

    static EventMatcher of(Query query) {
        if (query.matchesEverything()) {
            return EVERYTHING;
        }
        boolean readsPayload = query.criteria().stream()
                .anyMatch(criterion -> criterion.tags().stream().anyMatch(tag -> !tag.isEventType()));
        return new EventMatcher(query.criteria(), readsPayload);
    }

    boolean matchesEverything() {
        return this == EVERYTHING;
    }

    /** Whether the event matches; its payload is parsed at most once, and only when a tag needs it. */
    boolean matches(FeedEvent event) {
        if (this == EVERYTHING) {
            return true;
        }
        Map<String, String> fields = readsPayload ? event.fields() : Map.of();
        for (Criterion criterion : criteria) {
            if (matches(criterion, event.event().eventType(), fields)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Criterion criterion, String eventType, Map<String, String> fields) {
        for (Tag tag : criterion.tags()) {
            String actual = tag.isEventType() ? eventType : fields.get(tag.key());
            if (!tag.value().equals(actual)) {
                return false;
            }
        }
        return true;
    }
}
