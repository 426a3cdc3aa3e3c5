package io.orisun.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.client.example.MoneyTransfer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger workload of the money-transfer example through {@link OrisunClient#decide}, from 16 threads released
 * together, against a real server. The log afterwards must show no overdraft at any point, the money conserved,
 * and each transfer recorded once, exactly for the calls that reported it recorded.
 */
class LedgerDecideIT {

    private static final int THREADS = 16;
    private static final int TRANSFERS_PER_THREAD = 20;
    private static final int ACCOUNTS = 12;
    private static final long OPENING_BALANCE = 500;

    private static ClientTestServer server;
    private static OrisunClient client;

    @BeforeAll
    static void start() {
        server = ClientTestServer.start();
        client = server.client().maxAttempts(500).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void concurrent_transfers_never_overdraw_conserve_money_and_are_each_recorded_once() throws Exception {
        for (int a = 0; a < ACCOUNTS; a++) {
            assertThat(MoneyTransfer.open(client, "acc-" + a, OPENING_BALANCE)).isTrue();
        }
        assertThat(MoneyTransfer.open(client, "acc-0", 1)).as("a second opening is refused by the decision").isFalse();

        Set<String> reportedRecorded = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        CyclicBarrier barrier = new CyclicBarrier(THREADS);
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    barrier.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
                        int from = random.nextInt(ACCOUNTS);
                        int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                        String id = "transfer-" + thread + "-" + i;
                        if (MoneyTransfer.transfer(client, id, "acc-" + from, "acc-" + to, 1 + random.nextInt(300))) {
                            reportedRecorded.add(id);
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }

        String[] accounts = new String[ACCOUNTS];
        for (int a = 0; a < ACCOUNTS; a++) {
            accounts[a] = "acc-" + a;
        }
        List<Event> log = client.read(MoneyTransfer.BOUNDARY, MoneyTransfer.accounts(accounts));
        Map<String, Long> balances = new HashMap<>();
        Map<String, Long> debits = new HashMap<>();
        Map<String, Long> credits = new HashMap<>();
        Position previous = Position.NONE;
        for (Event event : log) {
            assertThat(event.position()).as("the log is in position order").isGreaterThan(previous);
            previous = event.position();
            MoneyTransfer.Entry entry = event.decode(MoneyTransfer.JSON);
            long delta = switch (event.eventType()) {
                case "AccountOpened", "MoneyCredited" -> entry.amount();
                case "MoneyDebited" -> -entry.amount();
                default -> throw new AssertionError("unexpected event " + event);
            };
            long balance = balances.merge(entry.accountId(), delta, Long::sum);
            assertThat(balance).as("balance of %s after %s", entry.accountId(), event.position()).isNotNegative();
            if (event.eventType().equals("MoneyDebited")) {
                assertThat(debits.put(entry.transferId(), entry.amount())).as("one debit for %s", entry.transferId())
                        .isNull();
            } else if (event.eventType().equals("MoneyCredited")) {
                assertThat(credits.put(entry.transferId(), entry.amount())).as("one credit for %s", entry.transferId())
                        .isNull();
            }
        }
        assertThat(balances.values().stream().mapToLong(Long::longValue).sum()).as("money is conserved")
                .isEqualTo(ACCOUNTS * OPENING_BALANCE);
        assertThat(credits).as("every debit has its credit, of the same amount").isEqualTo(debits);
        assertThat(new HashSet<>(debits.keySet())).as("the transfers in the log are those reported recorded")
                .isEqualTo(reportedRecorded);
        assertThat(reportedRecorded.size() + refused.get()).isEqualTo(THREADS * TRANSFERS_PER_THREAD);
        assertThat(reportedRecorded).as("the workload moved money").isNotEmpty();
    }

    /** Deposits of {@code amount} decided over a folded balance, counting the events folded. */
    private static StatefulDecider<Long> deposit(String account, long amount, AtomicInteger folded) {
        return new StatefulDecider<>() {
            @Override
            public Long initial() {
                return 0L;
            }

            @Override
            public Long evolve(Long balance, Event event) {
                folded.incrementAndGet();
                return balance + event.decode(MoneyTransfer.JSON).amount();
            }

            @Override
            public List<EventToSave> decide(Long balance, Position position) {
                return List.of(EventToSave.encode(UUID.randomUUID().toString(), "MoneyCredited",
                        new MoneyTransfer.Entry(account, amount, null), MoneyTransfer.JSON));
            }
        };
    }

    private static SnapshotStore<Long> inMemory(Map<Query, Snapshot<Long>> store) {
        return new SnapshotStore<>() {
            @Override
            public Optional<Snapshot<Long>> load(Query query) {
                return Optional.ofNullable(store.get(query));
            }

            @Override
            public void save(Query query, Snapshot<Long> snapshot) {
                store.merge(query, snapshot, (old, fresh) -> fresh.position().compareTo(old.position()) > 0 ? fresh : old);
            }
        };
    }

    @Test
    void decide_with_a_snapshot_store_folds_only_the_events_after_the_snapshot_and_still_sees_other_writers() {
        String account = "snap-" + System.nanoTime();
        Query context = MoneyTransfer.accounts(account);
        Map<Query, Snapshot<Long>> store = new ConcurrentHashMap<>();
        AtomicInteger folded = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            client.decide(MoneyTransfer.BOUNDARY, context, deposit(account, 10, folded), inMemory(store));
        }
        assertThat(folded.get()).as("each decision folds only the deposit made since the previous snapshot").isEqualTo(4);
        assertThat(store.get(context).state()).isEqualTo(40);

        client.append(MoneyTransfer.BOUNDARY, List.of(EventToSave.encode("other-" + account, "MoneyCredited",
                new MoneyTransfer.Entry(account, 100, null), MoneyTransfer.JSON)));
        DecideResult result = client.decide(MoneyTransfer.BOUNDARY, context, deposit(account, 1, folded), inMemory(store));
        assertThat(result.recorded()).hasSize(1);
        assertThat(store.get(context).state()).as("the snapshot covers the other writer's event").isEqualTo(150);
        assertThat(MoneyTransfer.balance(client.read(MoneyTransfer.BOUNDARY, context), account)).isEqualTo(151);
    }

    @Test
    void concurrent_decisions_over_shared_snapshots_lose_no_deposit() throws Exception {
        String account = "snap-race-" + System.nanoTime();
        Query context = MoneyTransfer.accounts(account);
        Map<Query, Snapshot<Long>> store = new ConcurrentHashMap<>();
        int threads = 8;
        int depositsPerThread = 5;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        AtomicInteger retried = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    barrier.await();
                    for (int i = 0; i < depositsPerThread; i++) {
                        DecideResult result = client.decide(MoneyTransfer.BOUNDARY, context,
                                deposit(account, 1, new AtomicInteger()), inMemory(store));
                        retried.addAndGet(result.attempts() - 1);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        assertThat(MoneyTransfer.balance(client.read(MoneyTransfer.BOUNDARY, context), account))
                .as("every deposit recorded once (%d retries after conflicts)", retried.get())
                .isEqualTo(threads * depositsPerThread);
    }
}
