package io.orisun.server;

import static io.orisun.server.EventTraffic.criterion;
import static io.orisun.server.EventTraffic.globalIds;
import static io.orisun.server.EventTraffic.position;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.proto.Event;
import io.orisun.proto.EventToSave;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.SaveQuery;
import io.orisun.testsupport.NatsFixture;
import io.orisun.testsupport.PgBouncerFixture;
import io.orisun.testsupport.PostgresFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Orisun-J behind a real PgBouncer in transaction mode, with far fewer server connections than the nodes' pools
 * hold client connections: saves, conflicts, reads, subscriptions and a publisher hand-over between two nodes.
 * The pooled connections go through PgBouncer; migrations, the admin pool and the publishers' sessions go direct.
 */
class PgBouncerIT {

    private static final String B = "orisun_test_1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SERVER_CONNECTIONS = 3;

    private static PgBouncerFixture bouncer;

    @BeforeAll
    static void startPgBouncer() {
        Assumptions.assumeTrue(PgBouncerFixture.binary().isPresent(),
                "pgbouncer is not installed (apt-get install -y pgbouncer): skipping the PgBouncer scenarios");
        bouncer = PgBouncerFixture.start(PostgresFixture.shared(), PgBouncerFixture.PoolMode.TRANSACTION,
                SERVER_CONNECTIONS, 200);
    }

    @AfterAll
    static void stopPgBouncer() {
        if (bouncer != null) {
            bouncer.close();
        }
    }

    /** A node whose pooled connections go through PgBouncer in transaction mode, in the one documented way. */
    private static Map<String, String> behindPgBouncer(String nodeId) {
        PostgresFixture postgres = PostgresFixture.shared();
        Map<String, String> env = new HashMap<>();
        env.put("ORISUN_PG_HOST", bouncer.host());
        env.put("ORISUN_PG_PORT", String.valueOf(bouncer.port()));
        env.put("ORISUN_PG_POOL_MODE", "transaction");
        env.put("ORISUN_PG_DIRECT_HOST", postgres.host());
        env.put("ORISUN_PG_DIRECT_PORT", String.valueOf(postgres.port()));
        env.put("ORISUN_PG_WRITE_MAX_OPEN_CONNS", "8");
        env.put("ORISUN_PG_WRITE_MAX_IDLE_CONNS", "4");
        env.put("ORISUN_PG_READ_MAX_OPEN_CONNS", "8");
        env.put("ORISUN_PG_READ_MAX_IDLE_CONNS", "4");
        env.put("ORISUN_NODE_ID", nodeId);
        return env;
    }

    @Test
    void saves_conflicts_and_reads_work_through_transaction_pooling_on_fewer_server_connections() throws Exception {
        try (TestServer node = TestServer.start(behindPgBouncer("bounced-1"))) {
            // More executions than the driver's default prepare threshold: a server-side prepared statement would
            // be created on one server connection and then looked for on another.
            EventTraffic traffic = new EventTraffic(node);
            int writers = 8;
            int savesPerWriter = 25;
            CyclicBarrier start = new CyclicBarrier(writers);
            List<Thread> threads = new ArrayList<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        start.await();
                        traffic.save(B, "Writer" + writer, savesPerWriter, 2, n -> "{\"n\": " + n + "}");
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).as("failures of unconditional saves").isEmpty();

            int contenders = 12;
            CyclicBarrier race = new CyclicBarrier(contenders);
            AtomicInteger won = new AtomicInteger();
            AtomicInteger conflicted = new AtomicInteger();
            threads.clear();
            for (int c = 0; c < contenders; c++) {
                int contender = c;
                threads.add(Thread.ofVirtual().start(() -> {
                    SaveEventsRequest save = SaveEventsRequest.newBuilder().setBoundary(B)
                            .setQuery(SaveQuery.newBuilder().setExpectedPosition(position(-1, -1))
                                    .setSubsetQuery(Query.newBuilder().addCriteria(criterion("account", "acc-1"))))
                            .addEvents(EventToSave.newBuilder().setEventId(UUID.randomUUID().toString())
                                    .setEventType("AccountOpened").setMetadata("{}")
                                    .setData("{\"account\": \"acc-1\", \"by\": " + contender + "}"))
                            .build();
                    try {
                        race.await();
                        node.eventStore().saveEvents(save);
                        won.incrementAndGet();
                    } catch (StatusRuntimeException e) {
                        if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
                            conflicted.incrementAndGet();
                        } else {
                            failures.add(e);
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).as("failures other than conflicts").isEmpty();
            assertThat(won.get()).as("saves that opened acc-1").isEqualTo(1);
            assertThat(conflicted.get()).as("saves rejected as conflicts").isEqualTo(contenders - 1);

            List<Event> all = traffic.all(B, Query.getDefaultInstance());
            assertThat(all).hasSize(writers * savesPerWriter * 2 + 1);
            assertThat(globalIds(all)).as("positions are dense and ordered")
                    .isEqualTo(LongStream.range(0, all.size()).boxed().toList());
            assertThat(traffic.all(B, EventTraffic.query(criterion("account", "acc-1")))).hasSize(1);

            PgBouncerFixture.PoolUsage usage = bouncer.usage(node.database().name());
            assertThat(usage.serverConnections()).as("server connections PgBouncer opened for %s", usage)
                    .isBetween(1, SERVER_CONNECTIONS);
            assertThat(usage.clientConnections()).as("client connections the node holds on PgBouncer (%s)", usage)
                    .isGreaterThan(SERVER_CONNECTIONS);
        }
    }

    @Test
    void subscriptions_see_every_event_once_in_order_across_a_publisher_hand_over_behind_pgbouncer() throws Exception {
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        try (NatsFixture nats = NatsFixture.start()) {
            TestServer nodeA = TestServer.join(database, nats.url(), behindPgBouncer("node-a"));
            try (TestServer nodeB = TestServer.join(database, nats.url(), behindPgBouncer("node-b"))) {
                try {
                    StreamCollector.await("one node leads " + B, WAIT, () -> PublisherLeases.holders(database, B).size() == 1);
                    String first = PublisherLeases.holders(database, B).getFirst();
                    EventTraffic viaA = new EventTraffic(nodeA);
                    EventTraffic viaB = new EventTraffic(nodeB);
                    var subscriber = viaB.subscribe(B, "hand-over", Query.getDefaultInstance(), position(-1, -1));
                    viaA.save(B, "BeforeHandOver", 50, 2, n -> "{\"n\": " + n + "}");
                    viaB.save(B, "BeforeHandOver", 50, 2, n -> "{\"n\": " + n + "}");
                    subscriber.awaitCount(200, WAIT);

                    TestServer leader = first.equals("node-a") ? nodeA : nodeB;
                    String follower = first.equals("node-a") ? "node-b" : "node-a";
                    if (leader == nodeB) {
                        // Keep the subscriber's node running: the hand-over goes from B to A instead.
                        subscriber.cancel();
                        subscriber = viaA.subscribe(B, "hand-over-a", Query.getDefaultInstance(), position(-1, -1));
                        subscriber.awaitCount(200, WAIT);
                    }
                    leader.close();
                    StreamCollector.await(follower + " takes the lease", WAIT,
                            () -> PublisherLeases.holders(database, B).equals(List.of(follower)));
                    EventTraffic survivor = leader == nodeA ? viaB : viaA;
                    survivor.save(B, "AfterHandOver", 50, 2, n -> "{\"n\": " + n + "}");
                    subscriber.awaitCount(300, WAIT);
                    assertThat(globalIds(subscriber.messages())).as("events seen by the subscriber")
                            .isEqualTo(LongStream.range(0, 300).boxed().toList());
                    subscriber.cancel();
                } finally {
                    nodeA.close();
                }
            }
        }
    }

    @Test
    void in_session_mode_a_node_needs_no_setting_beyond_the_address_of_pgbouncer() throws Exception {
        try (PgBouncerFixture sessions = PgBouncerFixture.start(PostgresFixture.shared(),
                PgBouncerFixture.PoolMode.SESSION, 40, 100);
             TestServer node = TestServer.start(Map.of("ORISUN_PG_HOST", sessions.host(),
                     "ORISUN_PG_PORT", String.valueOf(sessions.port())))) {
            EventTraffic traffic = new EventTraffic(node);
            var subscriber = traffic.subscribe(B, "session-mode", Query.getDefaultInstance(), position(-1, -1));
            traffic.save(B, "ThroughSessionPool", 20, 3, n -> "{\"n\": " + n + "}");
            subscriber.awaitCount(60, WAIT);
            assertThat(globalIds(subscriber.messages())).isEqualTo(LongStream.range(0, 60).boxed().toList());
            assertThat(traffic.all(B, Query.getDefaultInstance())).hasSize(60);
            assertThat(PublisherLeases.holders(node.database(), B)).as("the publisher's lease, taken through PgBouncer")
                    .containsExactly(node.server().nodeId());
            assertThat(sessions.usage(node.database().name()).clientConnections())
                    .as("the node's connections go through PgBouncer").isPositive();
            subscriber.cancel();
        }
    }
}
