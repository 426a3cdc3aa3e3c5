package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PushSubscribeOptions;
import io.orisun.proto.Event;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.Query;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Clustered mode under faults: three real nodes in child JVMs with clustered embedded nats-servers (streams replicated
 * three times) and two PostgreSQL servers of their own, a boundary on each, under a steady write load on both
 * boundaries spread over the nodes with a subscriber per boundary on each node. Each scenario injects one fault, then
 * audits each boundary: every acknowledged save is in the log exactly once, global ids are gap-free in commit order,
 * no conflict was lost (each contested event follows the one it expected, and no save answered with a conflict is in
 * the log), every subscriber received exactly the log, the JetStream stream holds exactly the log, in order and once, and the
 * boundary's rows are in its own server's database and nowhere else. The publisher faults take turns between the
 * two boundaries, so that a lease on either server fails over, and one scenario stops the second server alone. The
 * scenarios share the cluster, whose start is the slow part, but not an order: each starts from a whole cluster,
 * made whole again after whatever the scenario before it did, with its own failure counts, so that any one of them
 * runs alone. The log, the subscribers and the audit span the whole run, which holds for any sequence of scenarios.
 * {@code -Dorisun.faults.rounds=N} repeats each scenario and {@code -Dorisun.faults.load=S} sets the seconds of load
 * around each fault (the long version, {@code scripts/fault-tests.sh}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterFaultsIT {

    private static final System.Logger LOG = System.getLogger(ClusterFaultsIT.class.getName());
    /** The boundary on the default server. */
    private static final String B = ThreeNodeCluster.DEFAULT_BOUNDARY;
    /** The boundary on the second server. */
    private static final String C = ThreeNodeCluster.SECOND_BOUNDARY;
    private static final List<String> BOUNDARIES = List.of(B, C);
    private static final java.util.regex.Pattern AFTER = java.util.regex.Pattern.compile("\"after\": ?(-?\\d+)");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int ROUNDS = Integer.getInteger("orisun.faults.rounds", 1);
    private static final Duration LOAD = Duration.ofSeconds(Integer.getInteger("orisun.faults.load", 3));

    private ThreeNodeCluster cluster;
    private ClusterWorkload workload;

    @BeforeAll
    void start() throws Exception {
        cluster = ThreeNodeCluster.start(Map.of());
        workload = new ClusterWorkload(cluster, BOUNDARIES);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (workload != null) {
                workload.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** Whatever the scenario before left behind (a killed or paused node, PostgreSQL down), this one starts whole. */
    @BeforeEach
    void startFromAWholeCluster() throws Exception {
        cluster.restore();
        workload.resetFailures();
        for (String boundary : BOUNDARIES) {
            auditedAcks.put(boundary, workload.of(boundary).acknowledged.size());
        }
    }

    /** A failed scenario leaves no load running into the next one. */
    @AfterEach
    void stopLoad() throws Exception {
        workload.stopWriting();
    }

    @Test
    void the_boundaries_spread_over_the_three_nodes_and_a_save_on_any_node_reaches_the_subscribers_of_every_node()
            throws Exception {
        StreamCollector.await("each node leads one of the three boundaries", WAIT, () -> {
            Map<String, Integer> holders = cluster.leaseHolders();
            return holders.size() == 3 && new HashSet<>(holders.values()).size() == 3;
        });
        LOG.log(System.Logger.Level.INFO, "lease holders after start-up: {0}", cluster.leaseHolders());
        assertThat(cluster.rowsByServer(ThreeNodeCluster.ADMIN_BOUNDARY, Set.of("default",
                ThreeNodeCluster.SECOND_SERVER)).get(ThreeNodeCluster.SECOND_SERVER))
                .as("the admin boundary has no table on the second server").isEqualTo(-1);
        for (int i = 0; i < ThreeNodeCluster.NODES; i++) {
            String url = "nats://127.0.0.1:" + cluster.natsPort(i);
            NatsAuthenticationIT.assertRefusedWithoutCredentials(url, Optional.of(cluster.natsTls()));
            NatsAuthenticationIT.assertRefusedWithoutTls(url, "orisun", ThreeNodeCluster.NATS_PASSWORD);
            NatsAuthenticationIT.assertWorksWith(url, "orisun", ThreeNodeCluster.NATS_PASSWORD,
                    Optional.of(cluster.natsTls()));
        }
        workload.startWriting();
        Thread.sleep(LOAD.toMillis());
        workload.stopWriting();
        assertThat(workload.failures()).as("save failures without a fault").isEmpty();
        audit("no fault");
    }

    @Test
    void killing_the_publishing_node_hands_its_boundary_to_another_node_from_the_checkpoint() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            // The default server's boundary first, then the second's: a lease on either server fails over.
            String boundary = BOUNDARIES.get(round % 2);
            workload.resetFailures();
            workload.startWriting();
            Thread.sleep(LOAD.toMillis());
            int holder = holderOf(boundary);
            long killed = System.nanoTime();
            cluster.kill(holder);
            int taker = awaitNewHolder(boundary, holder);
            long failoverMillis = Duration.ofNanos(System.nanoTime() - killed).toMillis();
            LOG.log(System.Logger.Level.INFO, "FAULT kill -9: {0} took over {1} from {2} {3} ms after SIGKILL",
                    ThreeNodeCluster.nodeId(taker), boundary, ThreeNodeCluster.nodeId(holder),
                    failoverMillis);
            assertThat(Duration.ofMillis(failoverMillis)).as("failover after SIGKILL").isLessThan(Duration.ofSeconds(30));
            Thread.sleep(LOAD.toMillis());
            cluster.startNode(holder);
            cluster.awaitReady(holder);
            Thread.sleep(LOAD.toMillis());
            workload.stopWriting();
            audit("kill -9 of the publishing node, round " + (round + 1));
        }
    }

    @Test
    void a_paused_publisher_loses_its_lease_and_does_not_publish_again_after_it_resumes() throws Exception {
        Duration lease = cluster.leaseTimeout();
        for (int round = 0; round < ROUNDS; round++) {
            // The second server's boundary first, then the default's: the kill scenario starts the other way round.
            String boundary = BOUNDARIES.get((round + 1) % 2);
            workload.resetFailures();
            workload.startWriting();
            Thread.sleep(LOAD.toMillis());
            int holder = holderOf(boundary);
            String holderId = ThreeNodeCluster.nodeId(holder);
            long paused = System.nanoTime();
            cluster.pause(holder);
            int acquisitionsBefore;
            int taker;
            long takeoverLength;
            try {
                taker = awaitNewHolder(boundary, holder);
                long takeoverMillis = Duration.ofNanos(System.nanoTime() - paused).toMillis();
                LOG.log(System.Logger.Level.INFO, "FAULT SIGSTOP: {0} took over {1} from paused {2} {3} ms after"
                        + " SIGSTOP (lease timeout {4})", ThreeNodeCluster.nodeId(taker), boundary, holderId,
                        takeoverMillis, lease);
                assertThat(Duration.ofMillis(takeoverMillis)).as("takeover from a paused node")
                        .isLessThan(lease.plusSeconds(30));
                takeoverLength = streamLength(boundary);
                // Past the lease: the new holder publishes while the old one is frozen mid-flight.
                Thread.sleep(LOAD.toMillis() + 1000);
                acquisitionsBefore = acquisitions(holder, boundary);
            } finally {
                cluster.resume(holder);
                LOG.log(System.Logger.Level.INFO, "sessions when {0} resumed:\n{1}", holderId, cluster.activity());
            }
            Thread.sleep(LOAD.toMillis() + 2000);
            workload.stopWriting();
            audit("SIGSTOP/SIGCONT of the publishing node, round " + (round + 1));

            // No split brain: after the new holder's first message, a message from the resumed node may only appear
            // once it has taken the lease again.
            List<Message> stream = streamMessages(boundary);
            int first = -1;
            for (int i = (int) takeoverLength; i < stream.size() && first < 0; i++) {
                if (ThreeNodeCluster.nodeId(taker).equals(publisher(stream.get(i)))) {
                    first = i;
                }
            }
            assertThat(first).as("the new holder published after the pause").isNotNegative();
            boolean staleAfterTakeover = stream.subList(first, stream.size()).stream()
                    .anyMatch(message -> holderId.equals(publisher(message)));
            if (staleAfterTakeover) {
                // It may publish again only after taking the lease again, and then only events after the checkpoint
                // it resumed from: anything older would come from the batch it was frozen in.
                long resumedAfter = resumedAfter(holder, boundary, acquisitionsBefore).orElseThrow(() ->
                        new AssertionError(holderId + " published " + boundary + " again without taking the lease"
                                + " again; output:\n" + cluster.process(holder).output()));
                assertThat(stream.subList(first, stream.size()).stream()
                        .filter(message -> holderId.equals(publisher(message)))
                        .flatMap(message -> StreamMessageIds.of(message).stream()))
                        .as("global ids %s published after the takeover", holderId)
                        .allMatch(globalId -> globalId > resumedAfter);
            }
            LOG.log(System.Logger.Level.INFO, "FAULT SIGSTOP: {0} published {1} again after resuming: {2}", holderId,
                    boundary, staleAfterTakeover ? "yes, after taking the lease again" : "no");
        }
    }

    @Test
    void delivery_continues_when_one_of_the_three_nats_servers_is_killed() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            workload.resetFailures();
            workload.startWriting();
            Thread.sleep(LOAD.toMillis());
            int holder = holderOf(BOUNDARIES.get(round % 2));
            long pid = cluster.killNats(holder);
            LOG.log(System.Logger.Level.INFO, "FAULT nats: killed nats-server {0} of {1}", pid,
                    ThreeNodeCluster.nodeId(holder));
            Thread.sleep(LOAD.toMillis() * 2);
            workload.stopWriting();
            assertThat(workload.failures()).as("save failures while a nats-server is down").isEmpty();
            audit("kill -9 of one nats-server, round " + (round + 1));
        }
    }

    @Test
    void a_postgresql_restart_fails_in_flight_saves_with_unavailable_and_the_nodes_recover_by_themselves()
            throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            workload.resetFailures();
            workload.startWriting();
            Thread.sleep(LOAD.toMillis());
            long stopped = System.nanoTime();
            cluster.postgres().stop();
            Thread.sleep(3000);
            cluster.postgres().restart();
            LOG.log(System.Logger.Level.INFO, "FAULT postgres: down for {0} ms",
                    Duration.ofNanos(System.nanoTime() - stopped).toMillis());
            // The nodes recover without a restart: saves succeed on every node again, to both servers' boundaries.
            BOUNDARIES.forEach(this::awaitSavesEverywhere);
            Thread.sleep(LOAD.toMillis());
            workload.stopWriting();
            LOG.log(System.Logger.Level.INFO, "FAULT postgres: save failures by status {0}", workload.failures());
            assertThat(workload.failures().keySet()).as("how saves failed while PostgreSQL restarted")
                    .isSubsetOf(Set.of(Status.Code.UNAVAILABLE));
            audit("PostgreSQL restart, round " + (round + 1));
        }
    }

    @Test
    void the_second_postgresql_server_stopped_fails_only_its_boundary_and_it_catches_up_once_the_server_is_back()
            throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            workload.resetFailures();
            workload.startWriting();
            Thread.sleep(LOAD.toMillis());
            long stopped = System.nanoTime();
            cluster.second().stop();
            secondServerDown = true;
            try {
                // Side by side: a save to a server that is down waits for a connection up to the pool's timeout.
                List<java.util.concurrent.Future<Status.Code>> refused = new ArrayList<>();
                try (var probes = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int node = 0; node < ThreeNodeCluster.NODES; node++) {
                        int target = node;
                        refused.add(probes.submit(() -> workload.probe(C, target)));
                    }
                }
                for (int node = 0; node < ThreeNodeCluster.NODES; node++) {
                    assertThat(refused.get(node).get()).as("a save to %s on %s while its server is down", C,
                            ThreeNodeCluster.nodeId(node)).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(workload.probe(B, node)).as("a save to %s on %s while the other server is down", B,
                            ThreeNodeCluster.nodeId(node)).isEqualTo(Status.Code.OK);
                    int target = node;
                    StreamCollector.await(ThreeNodeCluster.nodeId(node) + " reports the second server down", WAIT,
                            () -> degraded(target));
                }
                Thread.sleep(LOAD.toMillis());
                workload.stopWriting();
                // The default server's boundary went on saving and delivering on every node meanwhile.
                assertThat(workload.of(B).failures).as("save failures of %s while the second server is down", B)
                        .isEmpty();
                assertThat(workload.of(C).failures.keySet()).as("how saves to %s failed while its server was down", C)
                        .containsOnly(Status.Code.UNAVAILABLE);
                audit("second PostgreSQL server down, round " + (round + 1), B);
            } finally {
                cluster.second().startIfStopped();
                secondServerDown = false;
            }
            LOG.log(System.Logger.Level.INFO, "FAULT second postgres: down for {0} ms, save failures by status {1}",
                    Duration.ofNanos(System.nanoTime() - stopped).toMillis(), workload.failures());
            workload.resetFailures();
            workload.startWriting();
            awaitSavesEverywhere(C);
            Thread.sleep(LOAD.toMillis());
            workload.stopWriting();
            assertThat(workload.of(B).failures).as("save failures of %s after the second server is back", B)
                    .isEmpty();
            assertThat(workload.of(C).failures.keySet()).as("how saves to %s failed while its server came back", C)
                    .isSubsetOf(Set.of(Status.Code.UNAVAILABLE));
            audit("second PostgreSQL server back, round " + (round + 1));
        }
    }

    /** Whether node {@code i} answers that it is ready, degraded, with the second server down. */
    private boolean degraded(int i) {
        try {
            ServerFoundationIT.HttpAnswer answer = cluster.readiness(i);
            return answer.code() == 200 && answer.body().contains("\"status\":\"DEGRADED\"")
                    && answer.body().contains("\"default\":\"UP\"")
                    && answer.body().contains("\"" + ThreeNodeCluster.SECOND_SERVER + "\":\"DOWN\"");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Waits until a save to {@code boundary} succeeds on every node: they recover without a restart. */
    private void awaitSavesEverywhere(String boundary) {
        for (int node = 0; node < ThreeNodeCluster.NODES; node++) {
            int target = node;
            StreamCollector.await(ThreeNodeCluster.nodeId(node) + " saves to " + boundary + " again", WAIT,
                    () -> workload.trySave(boundary, target));
        }
    }

    /** Waits until a node other than {@code previous} holds the lease of {@code boundary}, and returns it. */
    private int awaitNewHolder(String boundary, int previous) {
        java.util.concurrent.atomic.AtomicInteger taker = new java.util.concurrent.atomic.AtomicInteger(-1);
        StreamCollector.await("another node takes the lease of " + boundary, WAIT, () -> {
            int now = cluster.leaseHolders().getOrDefault(boundary, previous);
            taker.set(now);
            return now != previous;
        });
        return taker.get();
    }

    private int holderOf(String boundary) {
        StreamCollector.await("someone leads " + boundary, WAIT, () -> cluster.leaseHolders().containsKey(boundary));
        return cluster.leaseHolders().get(boundary);
    }

    private int acquisitions(int node, String boundary) {
        String marker = "node " + ThreeNodeCluster.nodeId(node) + " took the publisher lease of boundary " + boundary;
        String output = cluster.process(node).output();
        int count = 0;
        for (int at = output.indexOf(marker); at >= 0; at = output.indexOf(marker, at + 1)) {
            count++;
        }
        return count;
    }

    /**
     * The global id of the checkpoint {@code node} resumed from when it took the lease of {@code boundary} for the
     * time after the first {@code earlier}, from its log.
     */
    private java.util.Optional<Long> resumedAfter(int node, String boundary, int earlier) {
        java.util.regex.Matcher lines = java.util.regex.Pattern.compile("node " + ThreeNodeCluster.nodeId(node)
                + " took the publisher lease of boundary " + boundary + "; resuming after \\((-?\\d+), (-?\\d+)\\)")
                .matcher(cluster.process(node).output());
        int seen = 0;
        while (lines.find()) {
            if (seen++ == earlier) {
                return java.util.Optional.of(Long.parseLong(lines.group(2)));
            }
        }
        return java.util.Optional.empty();
    }

    private EventStoreGrpc.EventStoreBlockingStub stub(int node) {
        return EventStoreGrpc.newBlockingStub(cluster.channel(node))
                .withInterceptors(TestServer.basicAuth("admin", "changeit"))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /**
     * Acknowledged saves by boundary at the scenario's start or its last audit: each audit checks that the load went
     * on.
     */
    private final Map<String, Integer> auditedAcks = new java.util.HashMap<>();

    /** While the second server is stopped, the audit does not ask its database. */
    private boolean secondServerDown;

    /** Thread dumps of this JVM and of every node, for a scenario whose load stalled. */
    private void dumpThreads(String scenario) {
        try {
            String tag = scenario.replaceAll("[^A-Za-z0-9]+", "-");
            java.nio.file.Path dir = java.nio.file.Path.of("target", "thread-dumps");
            java.nio.file.Files.createDirectories(dir);
            String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            new ProcessBuilder(jcmd, Long.toString(ProcessHandle.current().pid()), "Thread.dump_to_file",
                    dir.resolve(tag + "-test.txt").toAbsolutePath().toString()).inheritIO().start().waitFor();
            for (int node = 0; node < ThreeNodeCluster.NODES; node++) {
                new ProcessBuilder(jcmd, Long.toString(cluster.process(node).pid()), "Thread.dump_to_file",
                        dir.resolve(tag + "-node-" + (node + 1) + ".txt").toAbsolutePath().toString())
                        .inheritIO().start().waitFor();
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "no thread dumps: " + e);
        }
    }

    /** The checks after every scenario, of every boundary; the writers are stopped. */
    private void audit(String scenario) throws Exception {
        for (String boundary : BOUNDARIES) {
            audit(scenario, boundary);
        }
    }

    /** The checks of one boundary; the writers are stopped. */
    private void audit(String scenarioName, String boundary) throws Exception {
        ClusterWorkload.Load load = workload.of(boundary);
        String scenario = scenarioName + " [" + boundary + "]";
        int before = auditedAcks.getOrDefault(boundary, 0);
        if (load.acknowledged.size() <= before) {
            dumpThreads(scenario);
        }
        assertThat(load.acknowledged.size()).as("%s: the load made progress; sessions:%n%s", scenario,
                cluster.activity()).isGreaterThan(before);
        auditedAcks.put(boundary, load.acknowledged.size());
        int reader = cluster.upNode(0);
        List<Event> log = new ArrayList<>();
        io.orisun.proto.Position after = EventTraffic.position(-1, -1);
        while (true) {
            List<Event> page = stub(reader).getEvents(GetEventsRequest.newBuilder().setBoundary(boundary)
                    .setQuery(Query.getDefaultInstance()).setAfterPosition(after).setCount(10_000).build())
                    .getEventsList();
            log.addAll(page);
            if (page.size() < 10_000) {
                break;
            }
            after = page.getLast().getPosition();
        }
        List<String> ids = log.stream().map(Event::getEventId).toList();
        Set<String> logged = new HashSet<>(ids);
        assertThat(logged).as("%s: every event is in the log once", scenario).hasSize(ids.size());
        // Set differences, not containsAll: the long version audits a hundred thousand events.
        Set<String> lost = new HashSet<>(load.acknowledged);
        lost.removeAll(logged);
        assertThat(lost).as("%s: acknowledged saves missing from the log", scenario).isEmpty();
        Set<String> unexplained = new HashSet<>(logged);
        unexplained.removeAll(load.acknowledged);
        unexplained.removeAll(load.uncertain);
        assertThat(unexplained).as("%s: events in the log that no save sent", scenario).isEmpty();
        assertThat(log.stream().map(e -> e.getPosition().getGlobalId()).toList())
                .as("%s: global ids are gap-free in commit order", scenario)
                .isEqualTo(LongStream.range(0, log.size()).boxed().toList());
        assertThat(load.conflicted).as("%s: contested saves that lost", scenario).isNotEmpty();
        Set<String> conflictedButLogged = new HashSet<>(load.conflicted);
        conflictedButLogged.retainAll(logged);
        assertThat(conflictedButLogged).as("%s: saves answered with a conflict but in the log", scenario).isEmpty();
        long previousContested = -1;
        int contested = 0;
        for (Event event : log) {
            if (event.getEventType().equals(ClusterWorkload.CONTEST)) {
                java.util.regex.Matcher follows = AFTER.matcher(event.getData());
                assertThat(follows.find()).as("%s: data of %s", scenario, event.getEventId()).isTrue();
                assertThat(Long.parseLong(follows.group(1)))
                        .as("%s: contested event %s follows the one it expected", scenario, event.getEventId())
                        .isEqualTo(previousContested);
                previousContested = event.getPosition().getGlobalId();
                contested++;
            }
        }
        for (int node = 0; node < ThreeNodeCluster.NODES; node++) {
            ClusterWorkload.Subscriber subscriber = load.subscriber(node);
            StreamCollector.await(scenario + ": the subscriber on " + ThreeNodeCluster.nodeId(node)
                    + " has every event (has " + subscriber.count() + " of " + log.size() + ")", WAIT,
                    () -> subscriber.count() >= log.size());
            assertThat(subscriber.received()).as("%s: what the subscriber on %s received", scenario,
                    ThreeNodeCluster.nodeId(node)).isEqualTo(log);
        }
        StreamCollector.await(scenario + ": the stream holds the whole log", WAIT, () -> {
            try {
                return streamLastGlobalId(boundary) >= log.size() - 1;
            } catch (Exception e) {
                return false;
            }
        });
        List<Long> streamIds = streamMessages(boundary).stream()
                .flatMap(m -> StreamMessageIds.of(m).stream()).toList();
        assertThat(streamIds).as("%s: the JetStream stream holds the log, in order, once", scenario)
                .isEqualTo(LongStream.range(0, log.size()).boxed().toList());
        String home = boundary.equals(C) ? ThreeNodeCluster.SECOND_SERVER : "default";
        Map<String, Long> expected = new java.util.TreeMap<>();
        expected.put("default", -1L);
        if (!secondServerDown) {
            expected.put(ThreeNodeCluster.SECOND_SERVER, -1L);
        }
        expected.put(home, (long) log.size());
        assertThat(cluster.rowsByServer(boundary, expected.keySet()))
                .as("%s: rows by server, in each database (-1: no table there)", scenario).isEqualTo(expected);
        LOG.log(System.Logger.Level.INFO, "AUDIT {0}: {1} events, {2} acknowledged, {3} uncertain, {4} contested in"
                + " the log, {5} conflicts, failures {6}", scenario, log.size(), load.acknowledged.size(),
                load.uncertain.size(), contested, load.conflicted.size(), load.failures);
    }

    private Connection natsConnection() throws Exception {
        return Nats.connect(new io.nats.client.Options.Builder()
                .server("nats://127.0.0.1:" + cluster.natsPort(cluster.upNode(0)))
                .userInfo("orisun", ThreeNodeCluster.NATS_PASSWORD)
                .sslContext(cluster.natsTls())
                .connectionTimeout(Duration.ofSeconds(5)).build());
    }

    /** The global id of the last event {@code boundary}'s stream holds: its last message's headers name it. */
    private long streamLastGlobalId(String boundary) throws Exception {
        try (Connection connection = natsConnection()) {
            String stream = "ORISUN_EVENTS___" + boundary;
            return Long.parseLong(connection.jetStreamManagement().getLastMessage(stream, stream + ".events.log")
                    .getHeaders().getFirst("Orisun-Global-Id"));
        }
    }

    private long streamLength(String boundary) throws Exception {
        try (Connection connection = natsConnection()) {
            return connection.jetStreamManagement().getStreamInfo("ORISUN_EVENTS___" + boundary).getStreamState()
                    .getMsgCount();
        }
    }

    private List<Message> streamMessages(String boundary) throws Exception {
        String stream = "ORISUN_EVENTS___" + boundary;
        try (Connection connection = natsConnection()) {
            long count = connection.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
            JetStreamSubscription subscription = connection.jetStream().subscribe(stream + ".events.>",
                    PushSubscribeOptions.builder().stream(stream).ordered(true).build());
            List<Message> messages = new ArrayList<>();
            while (messages.size() < count) {
                Message message = subscription.nextMessage(Duration.ofSeconds(10));
                assertThat(message).as("stream message %d of %d", messages.size() + 1, count).isNotNull();
                messages.add(message);
            }
            subscription.unsubscribe();
            return messages;
        }
    }

    private static String publisher(Message message) {
        return message.getHeaders().getFirst("Orisun-Publisher");
    }
}
