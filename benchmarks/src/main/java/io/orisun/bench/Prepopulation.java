package io.orisun.bench;

import io.grpc.StatusRuntimeException;
import io.orisun.proto.EventToSave;
import io.orisun.proto.SaveEventsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes the events the read scenarios read: {@code count} unconditional events in saves of up to
 * {@value #SAVE_SIZE}, from {@value #WRITERS} concurrent clients, event {@code k} with
 * {@code benchmark_context = tag-(k mod cardinality)}, so that every tag value has {@code count / cardinality}
 * events spread over the whole log.
 */
final class Prepopulation {

    static final int SAVE_SIZE = 1000;
    static final int WRITERS = 4;
    private static final int ATTEMPTS = 3;

    private Prepopulation() {
    }

    /**
     * @throws IllegalStateException when a save still fails after {@value #ATTEMPTS} attempts
     */
    static void run(ServerConnection server, String boundary, Payload payload, String runId, long count,
                    int cardinality) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong written = new AtomicLong();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(Thread.ofVirtual().name("prepopulate-" + w).start(() -> {
                for (long first = next.getAndAdd(SAVE_SIZE); first < count && failure.get() == null;
                     first = next.getAndAdd(SAVE_SIZE)) {
                    long end = Math.min(count, first + SAVE_SIZE);
                    try {
                        save(server, request(boundary, payload, runId, first, end, cardinality));
                        written.addAndGet(end - first);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }));
        }
        for (Thread writer : writers) {
            while (writer.isAlive()) {
                writer.join(1000);
                double seconds = (System.nanoTime() - start) / 1e9;
                ClosedLoop.progress(String.format(Locale.ROOT, "prepopulating %,d / %,d events  %.0f ev/s",
                        written.get(), count, written.get() / seconds));
            }
        }
        ClosedLoop.endProgress();
        if (failure.get() != null) {
            throw new IllegalStateException("prepopulation failed after " + written.get() + " events: "
                    + failure.get().getMessage(), failure.get());
        }
    }

    private static void save(ServerConnection server, SaveEventsRequest request) {
        for (int attempt = 1; ; attempt++) {
            try {
                server.eventStore().saveEvents(request);
                return;
            } catch (StatusRuntimeException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static SaveEventsRequest request(String boundary, Payload payload, String runId, long first, long end,
                                             int cardinality) {
        SaveEventsRequest.Builder request = SaveEventsRequest.newBuilder().setBoundary(boundary);
        for (long k = first; k < end; k++) {
            request.addEvents(EventToSave.newBuilder()
                    .setEventId("pre-" + runId + "-" + k)
                    .setEventType(Payload.EVENT_TYPE)
                    .setData(payload.data(ReadClient.tag(k % cardinality)))
                    .setMetadata(Payload.METADATA));
        }
        return request.build();
    }
}
