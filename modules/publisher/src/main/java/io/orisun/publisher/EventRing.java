package io.orisun.publisher;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The most recent events of a boundary's live feed, addressed by global id: the event with id {@code g} lives in
 * slot {@code g mod capacity} until a newer id takes the slot. Readers never wait and never see a wrong event:
 * a lookup answers only with the exact id asked for.
 */
final class EventRing {

    private final AtomicReferenceArray<FeedEvent> slots;
    private final int mask;

    EventRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, not " + capacity);
        }
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
    }

    /** Stores the event unless its slot already holds a newer one (an old event republished late). */
    void put(FeedEvent event) {
        int slot = (int) (event.globalId() & mask);
        while (true) {
            FeedEvent current = slots.get(slot);
            if (current != null && current.globalId() >= event.globalId()) {
                return;
            }
            if (slots.compareAndSet(slot, current, event)) {
                return;
            }
        }
    }

    /** The event with {@code globalId}, if the ring holds it. */
    Optional<FeedEvent> find(long globalId) {
        FeedEvent event = slots.get((int) (globalId & mask));
        return event != null && event.globalId() == globalId ? Optional.of(event) : Optional.empty();
    }

    int capacity() {
        return mask + 1;
    }
}
