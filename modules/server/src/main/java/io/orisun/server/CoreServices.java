package io.orisun.server;

import io.orisun.server.catalog.BoundaryCatalog;
import io.orisun.server.catalog.BoundaryMover;
import io.orisun.server.catalog.BoundaryRegistry;
import io.orisun.server.catalog.MoveFollowingLog;
import io.orisun.server.config.OrisunConfig;
import io.orisun.server.observe.LiveStreams;
import io.orisun.server.observe.LogObservation;
import io.orisun.server.observe.NodeMetrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.nats.client.Connection;
import io.orisun.api.BoundarySpec;
import io.orisun.api.EventLog;
import io.orisun.auth.UserDirectory;
import io.orisun.ccc.PgEventLog;
import io.orisun.index.IndexAdmin;
import io.orisun.index.IndexAdvisor;
import io.orisun.publisher.BoundaryPublishers;
import io.orisun.publisher.CatchUpSubscriptions;
import io.orisun.publisher.EventMac;
import io.orisun.publisher.FeedSettings;
import io.orisun.publisher.PubSub;
import io.orisun.publisher.PublisherSettings;
import java.util.List;
import java.util.function.Consumer;

/**
 * The application services of a node, which the gRPC endpoints and the dashboard both work through: the event log,
 * the boundaries it serves and their catalog, index administration and its advisor, the feeds of catch-up
 * subscriptions and pub/sub (with the publishers that fill them), the open streams, and the user directory.
 *
 * <p>{@link #start} builds them in dependency order and connects each per-boundary component to the
 * {@link BoundaryRegistry} before the catalog activates the boundaries created at runtime and applies the moves it
 * records (a moved boundary's saves, reads, indexes and publisher switch to its new server).
 */
record CoreServices(EventLog eventLog, BoundaryRegistry boundaries, BoundaryCatalog catalog, BoundaryMover mover,
                    IndexAdmin indexes,
                    IndexAdvisor advisor, CatchUpSubscriptions catchUps, PubSub pubSub, LiveStreams streams,
                    UserDirectory users) {

    static CoreServices start(OrisunConfig config, String nodeId, PostgresServers servers, Connection nats,
                              EventMac mac, LogObservation observation, NodeMetrics metrics, Resources resources,
                              StartupPhases phases) {
        List<BoundarySpec> configured = config.boundaries().boundaries();
        Database database = servers.defaultServer();
        // Every core component is given each boundary's own server's connections as the boundary is added; the
        // default server's are only what a component falls back on.
        PgEventLog eventLog = resources.add(eventLog(config, database, observation));
        Consumer<BoundarySpec> addToLog = boundary -> eventLog.addBoundary(boundary, servers.of(boundary).writes(),
                servers.of(boundary).reads());
        configured.forEach(addToLog);
        BoundaryRegistry boundaries = new BoundaryRegistry(configured);
        boundaries.onActivated(addToLog);
        phases.mark("event log");

        IndexAdmin indexes = new IndexAdmin(database.admin(), List.of());
        Consumer<BoundarySpec> addToIndexes = boundary -> indexes.addBoundary(boundary, servers.of(boundary).admin());
        // Listen first, then add what is active: a boundary activated in between is added twice, harmlessly.
        boundaries.onActivated(addToIndexes);
        boundaries.all().forEach(addToIndexes);
        IndexAdvisor advisor = new IndexAdvisor(indexes);

        PublisherSettings publishing = config.publisher().withNodeId(nodeId);
        BoundaryPublishers publishers = resources.add(new BoundaryPublishers(nats, eventLog, database.direct()::connect,
                publishing, mac, observation));
        Consumer<BoundarySpec> publish = boundary -> publishers.start(boundary, servers.of(boundary).direct()::connect);
        boundaries.onActivated(publish);
        // A move re-points the log first, so that the new publisher and every reader find the copy.
        boundaries.onMoved(boundary -> {
            eventLog.moveBoundary(boundary, servers.of(boundary).writes(), servers.of(boundary).reads());
            indexes.moveBoundary(boundary, servers.of(boundary).admin());
            publishers.restart(boundary, servers.of(boundary).direct()::connect);
        });
        // The catalog itself lives in the admin boundary on the default server; a boundary it creates is migrated on
        // the server the boundary is placed on. It reads nothing until it starts, below.
        BoundaryCatalog catalog = resources.add(new BoundaryCatalog(eventLog, boundary -> servers.of(boundary).admin(),
                boundaries, config.boundaries().adminBoundary(), configured, config.allServers().keySet()));
        // Calls and subscriptions reach a boundary moved by another node on its new server at once, not after the
        // next catalog poll.
        EventLog following = new MoveFollowingLog(eventLog, boundaries, catalog::refresh);
        CatchUpSubscriptions catchUps = resources.add(new CatchUpSubscriptions(nats, following,
                FeedSettings.of(publishing.stream()), mac));
        LiveStreams streams = new LiveStreams();
        FunctionCounter.builder("orisun.feed.rejected.messages", catchUps, CatchUpSubscriptions::rejectedMessages)
                .description("NATS messages the live feeds dropped because their MAC was missing or wrong")
                .register(metrics.registry());
        Gauge.builder("orisun.pubsub.subscriptions.active", streams, LiveStreams::activePubSubs)
                .description("Open pub/sub subscription streams").register(metrics.registry());
        phases.mark("publishers");

        UserDirectory users = resources.add(UserDirectory.start(config.auth(), database.admin(), eventLog));
        phases.mark("users");

        catalog.start();
        // Publishing the configured boundaries waits for the catalog, so that a boundary the catalog moved is
        // published from its new server from the start rather than failing a while on the old one.
        boundaries.all().forEach(publish);
        BoundaryMover mover = new BoundaryMover(catalog, boundary -> servers.of(boundary).admin());
        phases.mark("boundary catalog");
        return new CoreServices(following, boundaries, catalog, mover, indexes, advisor, catchUps, new PubSub(nats), streams,
                users);
    }

    private static PgEventLog eventLog(OrisunConfig config, Database database, LogObservation observation) {
        return new PgEventLog(database.writes(), database.reads(), List.of(), config.groupCommit(), observation,
                config.limits().readBudget());
    }
}
