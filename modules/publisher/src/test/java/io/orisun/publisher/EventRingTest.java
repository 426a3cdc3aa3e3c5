package io.orisun.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.api.Event;
import io.orisun.api.Position;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventRingTest {

    private static FeedEvent event(long globalId) {
        return new FeedEvent(new Event("e" + globalId, "T", "{}", "{}", new Position(globalId + 1, globalId), Instant.EPOCH));
    }

    @Test
    void finds_an_event_by_its_global_id_until_a_newer_one_takes_its_slot() {
        EventRing ring = new EventRing(4);
        for (long id = 0; id < 6; id++) {
            ring.put(event(id));
        }
        assertThat(ring.find(0)).isEmpty();
        assertThat(ring.find(1)).isEmpty();
        assertThat(ring.find(2)).get().extracting(FeedEvent::globalId).isEqualTo(2L);
        assertThat(ring.find(5)).get().extracting(FeedEvent::globalId).isEqualTo(5L);
        assertThat(ring.find(6)).isEmpty();
    }

    @Test
    void an_old_event_republished_late_does_not_evict_a_newer_one() {
        EventRing ring = new EventRing(4);
        ring.put(event(5));
        ring.put(event(1));
        assertThat(ring.find(5)).isPresent();
        assertThat(ring.find(1)).isEmpty();
    }
}
