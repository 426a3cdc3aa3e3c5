package io.orisun.index;

import static io.orisun.index.IndexUnderTest.boundary;
import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Criterion;
import io.orisun.api.Direction;
import io.orisun.api.EventToSave;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.SaveRequest;
import io.orisun.api.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Saves and reads go on while an index builds concurrently over 200,000 events, and none of them fails. */
class ConcurrentBuildIT {

    private static final BoundarySpec BUSY = boundary("busy", "public");
    private static final int EVENTS = 200_000;
    private static final int SAVERS = 3;

    @Test
    void saves_continue_while_an_index_builds_and_none_fails() throws Exception {
        try (IndexUnderTest db = new IndexUnderTest(BUSY);
             ExecutorService executor = Executors.newFixedThreadPool(SAVERS + 1)) {
            db.fill(BUSY, EVENTS, "jsonb_build_object('account', 'acc-' || (g % 20000), 'note', repeat('x', 100))");
            AtomicBoolean building = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger savesDuringBuild = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CyclicBarrier start = new CyclicBarrier(SAVERS + 1);
            CountDownLatch everySaverSaved = new CountDownLatch(SAVERS);
            List<Future<Integer>> savers = new ArrayList<>();
            for (int s = 0; s < SAVERS; s++) {
                String account = "saver-" + s;
                savers.add(executor.submit(() -> {
                    start.await();
                    // Each saver extends its own account's context, checked against the newest event it wrote.
                    Query context = Query.of(Criterion.of(Tag.of("account", account)));
                    Position expected = Position.NONE;
                    int saved = 0;
                    while (!stop.get()) {
                        try {
                            expected = db.log.save(new SaveRequest("busy", AppendCondition.contextAt(context, expected),
                                    List.of(new EventToSave(account + "-" + saved, "Saved",
                                            "{\"account\": \"" + account + "\", \"n\": " + saved + "}", "{}")))).last();
                            db.log.read(new ReadRequest("busy", context, ReadStart.edge(), Direction.DESC, 1));
                        } catch (RuntimeException e) {
                            failures.add(e);
                            if (saved == 0) {
                                everySaverSaved.countDown();
                            }
                            return saved;
                        }
                        saved++;
                        if (saved == 1) {
                            everySaverSaved.countDown();
                        }
                        if (building.get()) {
                            savesDuringBuild.incrementAndGet();
                        }
                    }
                    return saved;
                }));
            }
            IndexEntry built;
            try {
                start.await();
                everySaverSaved.await();
                building.set(true);
                built = db.indexes.create(IndexDefinition.of("busy", "account", IndexField.text("account")));
                building.set(false);
            } finally {
                stop.set(true);
            }
            int saved = 0;
            for (Future<Integer> saver : savers) {
                saved += saver.get();
            }

            assertThat(failures).as("failed saves or reads").isEmpty();
            assertThat(built.state()).isEqualTo(IndexState.READY);
            assertThat(db.indexValidity("public", "busy_account_idx")).contains(true);
            assertThat(savesDuringBuild.get()).as("saves completed while the index was building").isPositive();
            assertThat(db.log.count("busy")).isEqualTo(EVENTS + saved);
            assertThat(db.number("SELECT count(*) FROM public.busy_orisun_es_event WHERE data->>'account' LIKE 'saver-%'"))
                    .as("every save that reported success is stored").isEqualTo(saved);
        }
    }
}
