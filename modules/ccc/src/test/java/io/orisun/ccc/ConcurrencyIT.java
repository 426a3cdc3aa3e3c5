package io.orisun.ccc;

import static io.orisun.ccc.LogUnderTest.boundary;
import static io.orisun.ccc.LogUnderTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orisun.api.AppendCondition;
import io.orisun.api.ConsistencyViolation;
import io.orisun.api.Criterion;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.LatestByCriteria;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.api.Tag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Invariants under concurrent writers and readers, with threads released together. Writers are spread over two
 * event logs with separate pools, like two server processes, so that only the database keeps them in order.
 */
class ConcurrencyIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LogUnderTest db;
    private static List<PgEventLog> nodes;

    @BeforeAll
    static void start() {
        db = new LogUnderTest(boundary("race", "public"), boundary("ledger", "public"), boundary("ordered", "public"),
                boundary("prefix", "public"), boundary("mixed", "public"));
        nodes = List.of(db.log, db.anotherNode());
    }

    private static PgEventLog node(int writer) {
        return nodes.get(writer % nodes.size());
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void exactly_one_of_32_writers_on_the_same_context_and_expected_position_wins() throws Exception {
        int writers = 32;
        Query context = Query.of(Criterion.of(Tag.of("order", "o-1")));
        CyclicBarrier start = new CyclicBarrier(writers);
        List<Future<SaveResult>> attempts = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < writers; i++) {
                SaveRequest claim = new SaveRequest("race", AppendCondition.contextAt(context, Position.NONE), List.of(
                        event("claim-" + i, "Claimed", "{\"order\": \"o-1\", \"by\": " + i + "}")));
                PgEventLog node = node(i);
                attempts.add(executor.submit(() -> {
                    start.await();
                    return node.save(claim);
                }));
            }
        }
        List<SaveResult> winners = new ArrayList<>();
        List<ConsistencyViolation> losers = new ArrayList<>();
        for (Future<SaveResult> attempt : attempts) {
            try {
                winners.add(attempt.get());
            } catch (ExecutionException e) {
                losers.add((ConsistencyViolation) e.getCause());
            }
        }
        assertThat(winners).hasSize(1);
        assertThat(losers).hasSize(writers - 1)
                .allSatisfy(loser -> assertThat(loser.actual()).isEqualTo(winners.getFirst().last()));
        assertThat(db.log.count("race")).isEqualTo(1);
        assertThat(db.readAll("race")).hasSize(1);
    }

    @Test
    void sixty_four_writers_see_no_false_conflict_on_disjoint_contexts_and_lose_no_conflict_on_shared_ones()
            throws Exception {
        int writers = 64;
        int rounds = 15;
        int shared = 4;
        CyclicBarrier start = new CyclicBarrier(writers);
        AtomicInteger falseConflicts = new AtomicInteger();
        AtomicInteger sharedAccepted = new AtomicInteger();
        AtomicInteger sharedConflicts = new AtomicInteger();
        List<Future<?>> work = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                PgEventLog node = node(w);
                work.add(executor.submit(() -> {
                    start.await();
                    // Even writers chain saves on a context of their own: each one expects the previous one.
                    // Odd writers race on a few shared contexts, expecting the newest event they read.
                    Position own = Position.NONE;
                    for (int round = 0; round < rounds; round++) {
                        String context = writer % 2 == 0 ? "own-" + writer : "shared-" + (round + writer) % shared;
                        Query query = Query.of(Criterion.of(Tag.of("ctx", context)));
                        Position expected = writer % 2 == 0 ? own
                                : node.latest("mixed", query.criteria()).contextPosition();
                        String data = "{\"ctx\": \"" + context + "\", \"after\": " + expected.globalId() + "}";
                        SaveRequest save = new SaveRequest("mixed", AppendCondition.contextAt(query, expected),
                                List.of(event("m-" + writer + "-" + round, "T", data)));
                        try {
                            SaveResult result = node.save(save);
                            if (writer % 2 == 0) {
                                own = result.last();
                            } else {
                                sharedAccepted.incrementAndGet();
                            }
                        } catch (ConsistencyViolation e) {
                            if (writer % 2 == 0) {
                                falseConflicts.incrementAndGet();
                                own = e.actual();
                            } else {
                                sharedConflicts.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
        }
        for (Future<?> future : work) {
            future.get();
        }

        assertThat(falseConflicts).as("conflicts on contexts with a single writer").hasValue(0);
        for (int c = 0; c < shared; c++) {
            // Every accepted save on a shared context was made against the event just before it in that context.
            List<Event> events = db.readAll("mixed", Query.of(Criterion.of(Tag.of("ctx", "shared-" + c))));
            long previous = -1;
            for (Event event : events) {
                assertThat(JSON.readTree(event.data()).get("after").asLong()).as("event %s", event.eventId())
                        .isEqualTo(previous);
                previous = event.position().globalId();
            }
        }
        assertThat(sharedAccepted.get() + sharedConflicts.get()).isEqualTo(writers / 2 * rounds);
        assertThat(db.log.count("mixed")).isEqualTo(writers / 2 * rounds + sharedAccepted.get());
    }

    @Test
    void concurrent_transfers_never_overdraw_an_account_and_conserve_money() throws Exception {
        int accounts = 8;
        int workers = 16;
        int transfersPerWorker = 8;
        List<EventToSave> deposits = new ArrayList<>();
        for (int a = 0; a < accounts; a++) {
            deposits.add(entry("seed-" + a, "acc" + a, 100, "seed-" + a));
        }
        db.log.save(new SaveRequest("ledger", AppendCondition.none(), deposits));

        Set<String> committed = ConcurrentHashMap.newKeySet();
        AtomicInteger conflicts = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(workers);
        List<Future<?>> runs = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(workers)) {
            for (int w = 0; w < workers; w++) {
                int worker = w;
                runs.add(executor.submit(() -> {
                    start.await();
                    Random random = new Random(worker);
                    for (int t = 0; t < transfersPerWorker; t++) {
                        String from = "acc" + random.nextInt(accounts);
                        String to = "acc" + ((Integer.parseInt(from.substring(3)) + 1 + random.nextInt(accounts - 1))
                                % accounts);
                        int amount = 1 + random.nextInt(80);
                        String id = "t-" + worker + "-" + t;
                        if (transfer(node(worker), id, from, to, amount, conflicts)) {
                            committed.add(id);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        }

        Map<String, Long> balances = new HashMap<>();
        Map<String, Integer> legsPerTransfer = new HashMap<>();
        for (Event event : db.readAll("ledger")) {
            JsonNode data = JSON.readTree(event.data());
            long balance = balances.merge(data.get("account").asText(), data.get("amount").asLong(), Long::sum);
            assertThat(balance).as("balance of %s after %s", data.get("account").asText(), event.eventId())
                    .isNotNegative();
            legsPerTransfer.merge(data.get("transfer").asText(), 1, Integer::sum);
        }
        assertThat(balances.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(100L * accounts);
        legsPerTransfer.keySet().removeIf(id -> id.startsWith("seed-"));
        assertThat(legsPerTransfer.keySet()).isEqualTo(committed);
        assertThat(legsPerTransfer.values()).as("debit and credit of each transfer, once").containsOnly(2);
        assertThat(committed).isNotEmpty();
        assertThat(conflicts.get()).as("the workers did contend").isPositive();
    }

    /** One transfer, decided on the balance replayed up to the context position, retried on conflict. */
    private static boolean transfer(PgEventLog node, String id, String from, String to, int amount,
                                    AtomicInteger conflicts) throws Exception {
        List<Criterion> context = List.of(Criterion.of(Tag.of("account", from)), Criterion.of(Tag.of("account", to)));
        while (true) {
            LatestByCriteria latest = node.latest("ledger", context);
            Position seen = latest.contextPosition();
            long balance = 0;
            for (Event event : db.readAll("ledger", Query.of(Criterion.of(Tag.of("account", from))))) {
                if (!event.position().isAfter(seen)) {
                    balance += JSON.readTree(event.data()).get("amount").asLong();
                }
            }
            if (balance < amount) {
                return false;
            }
            try {
                node.save(new SaveRequest("ledger", AppendCondition.contextAt(new Query(context), seen), List.of(
                        entry(id + "-debit", from, -amount, id), entry(id + "-credit", to, amount, id))));
                return true;
            } catch (ConsistencyViolation e) {
                conflicts.incrementAndGet();
            }
        }
    }

    private static EventToSave entry(String eventId, String account, long amount, String transfer) {
        return event(eventId, amount >= 0 ? "Credited" : "Debited",
                "{\"account\": \"" + account + "\", \"amount\": " + amount + ", \"transfer\": \"" + transfer + "\"}");
    }

    @Test
    void saves_waiting_for_the_writer_lock_stay_invisible_and_then_appear_in_commit_order() throws Exception {
        CompletableFuture<SaveResult> first;
        CompletableFuture<SaveResult> second;
        CompletableFuture<SaveResult> third;
        LogUnderTest.HeldLock lock = db.holdWriterLock("ordered");
        try {
            first = db.appendAsync(request(event("o-1", "T", "{}")));
            db.awaitLockWaiters(1);
            db.awaitQueued("ordered", 0);
            second = db.appendAsync(request(event("o-2", "T", "{}"), event("o-3", "T", "{}")));
            db.awaitQueued("ordered", 1);
            third = db.appendAsync(request(event("o-4", "T", "{}")));
            db.awaitQueued("ordered", 2);

            assertThat(db.readAll("ordered")).isEmpty();
            assertThat(db.log.read(new ReadRequest("ordered", Query.all(), ReadStart.edge(), Direction.DESC, 10)))
                    .isEmpty();
            assertThat(db.log.head("ordered")).isEqualTo(Position.NONE);
            assertThat(List.of(first, second, third)).noneMatch(Future::isDone);
        } finally {
            lock.release();
        }
        assertThat(first.get().last()).isEqualTo(new Position(1, 0));
        assertThat(second.get().first()).isEqualTo(new Position(3, 1));
        assertThat(third.get().last()).isEqualTo(new Position(4, 3));
        assertThat(db.readAll("ordered")).extracting(Event::eventId).containsExactly("o-1", "o-2", "o-3", "o-4");
    }

    private static SaveRequest request(EventToSave... events) {
        return new SaveRequest("ordered", AppendCondition.none(), List.of(events));
    }

    @Test
    void readers_racing_writers_only_ever_see_a_gap_free_prefix() throws Exception {
        int writers = 4;
        int savesPerWriter = 30;
        int readers = 2;
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<Long>> readsDone = new ArrayList<>();
        List<Future<?>> writesDone = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int r = 0; r < readers; r++) {
                readsDone.add(executor.submit(() -> {
                    start.await();
                    long expectedGlobalId = 0;
                    Position last = Position.NONE;
                    while (true) {
                        // Read the flag first: an empty page read after the writers finished means the end.
                        boolean writersDone = !writing.get();
                        List<Event> page = db.log.read(new ReadRequest("prefix", Query.all(),
                                ReadStart.after(last), Direction.ASC, 50));
                        for (Event event : page) {
                            assertThat(event.position().globalId()).as("global id after %s", last)
                                    .isEqualTo(expectedGlobalId);
                            assertThat(event.position()).isGreaterThan(last);
                            expectedGlobalId++;
                            last = event.position();
                        }
                        if (page.isEmpty() && writersDone) {
                            return expectedGlobalId;
                        }
                    }
                }));
            }
            for (int w = 0; w < writers; w++) {
                int writer = w;
                writesDone.add(executor.submit(() -> {
                    start.await();
                    for (int s = 0; s < savesPerWriter; s++) {
                        List<EventToSave> events = new ArrayList<>();
                        for (int e = 0; e <= s % 3; e++) {
                            events.add(event("x-" + writer + "-" + s + "-" + e, "T", "{}"));
                        }
                        node(writer).save(new SaveRequest("prefix", AppendCondition.none(), events));
                    }
                    return null;
                }));
            }
            start.countDown();
            try {
                for (Future<?> done : writesDone) {
                    done.get();
                }
            } finally {
                writing.set(false);
            }
        }
        long total = db.log.count("prefix");
        assertThat(total).isEqualTo(writers * (savesPerWriter / 3) * (1 + 2 + 3));
        for (Future<Long> done : readsDone) {
            assertThat(done.get()).as("events each reader saw").isEqualTo(total);
        }
        assertThat(db.log.head("prefix").globalId()).isEqualTo(total - 1);
    }
}
