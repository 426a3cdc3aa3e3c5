package io.orisun.server;

import io.orisun.server.config.OrisunConfig;
import io.orisun.server.observe.NodeMetrics;
import io.orisun.server.observe.ObservedEventLog;
import io.orisun.server.observe.RpcObservation;
import io.orisun.server.observe.Tracing;
import io.orisun.server.rpc.AdminService;
import io.orisun.server.rpc.AdvisedEventLog;
import io.orisun.server.rpc.AuthInterceptor;
import io.orisun.server.rpc.BoundaryEndpoints;
import io.orisun.server.rpc.EventStoreService;
import io.orisun.server.rpc.IndexEndpoints;
import io.orisun.server.rpc.SubscriptionEndpoints;
import io.orisun.server.rpc.UserEndpoints;
import io.orisun.transport.GrpcHttp2;
import io.orisun.transport.MalformedRequests;
import io.orisun.transport.MessageSizeLimit;
import io.orisun.transport.ReflectionServiceList;
import io.orisun.transport.TransportSecurity;
import io.orisun.server.web.AdminRoutes;
import io.orisun.server.web.Profiling;

import io.grpc.health.v1.HealthProto;
import io.grpc.protobuf.services.HealthStatusManager;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.grpc.GrpcConfig;
import io.helidon.webserver.grpc.GrpcReflectionFeature;
import io.helidon.webserver.grpc.GrpcRouting;
import io.helidon.webserver.http2.Http2Config;
import io.orisun.api.EventLog;
import io.orisun.proto.AdminProto;
import io.orisun.proto.EventStoreProto;
import io.orisun.proto.ServerCapability;
import java.util.List;

/**
 * The node's listeners, one Helidon web server: gRPC on the main port (the endpoints of {@code orisun.EventStore},
 * {@code orisun.Admin} and health over the {@link CoreServices}), the {@link AdminRoutes} on the admin port, and
 * profiling on a port of its own when enabled.
 */
final class Listeners {

    private static final List<ServerCapability> CAPABILITIES = List.of(
            ServerCapability.SERVER_CAPABILITY_COMMAND_CONTEXT_CONSISTENCY,
            ServerCapability.SERVER_CAPABILITY_CATCH_UP_SUBSCRIPTIONS, ServerCapability.SERVER_CAPABILITY_INDEX_MANAGEMENT,
            ServerCapability.SERVER_CAPABILITY_BOUNDARY_CATALOG, ServerCapability.SERVER_CAPABILITY_GRPC_HEALTH);

    private Listeners() {
    }

    /**
     * Builds the endpoints and starts listening. Open subscription streams are ended before the listener stops:
     * they end at once with {@code UNAVAILABLE} instead of holding the listener's shutdown for its grace period.
     */
    static WebServer start(OrisunConfig config, String nodeId, CoreServices core, NodeMetrics metrics, Tracing tracing,
                           HealthStatusManager health, AdminRoutes adminRoutes, Resources resources,
                           StartupPhases phases) {
        SubscriptionEndpoints subscriptions = resources.add(new SubscriptionEndpoints(core.catchUps(), core.pubSub(),
                config.limits(), core.streams()));
        IndexEndpoints indexes = new IndexEndpoints(core.indexes(), core.advisor(), config.limits());
        EventLog advisedLog = new ObservedEventLog(new AdvisedEventLog(core.eventLog(), core.advisor()),
                metrics.registry(), tracing.tracer());
        AuthInterceptor auth = new AuthInterceptor(core.users().authenticator(), config.boundaries().adminBoundary());

        GrpcConfig grpcProtocol = GrpcConfig.builder()
                .maxReadBufferSize(MessageSizeLimit.transportLimit(config.grpc().maxReceiveMessageBytes()))
                .build();
        Http2Config http2 = GrpcHttp2.settings(config.grpc().maxConcurrentStreams());
        MalformedRequests malformed = new MalformedRequests(metrics.registry(), config.grpc().maxReceiveMessageBytes());
        GrpcRouting.Builder routing = GrpcRouting.builder()
                .intercept(new RpcObservation(metrics.registry(), tracing.tracer()), malformed,
                        new MessageSizeLimit(config.grpc().maxReceiveMessageBytes()), auth, new ReflectionServiceList())
                .service(EventStoreProto.getDescriptor(), MalformedRequests.answeringParseFailures(
                        new EventStoreService(advisedLog, config.limits(), indexes, subscriptions, nodeId,
                                CAPABILITIES)))
                .service(AdminProto.getDescriptor(), MalformedRequests.answeringParseFailures(
                        new AdminService(advisedLog, indexes, new UserEndpoints(core.users()),
                                new BoundaryEndpoints(core.catalog(), core.mover()))))
                .service(HealthProto.getDescriptor(), MalformedRequests.answeringParseFailures(health.getHealthService()));
        var builder = WebServer.builder()
                .port(config.grpc().port())
                .featuresDiscoverServices(false)
                .shutdownHook(false)
                .shutdownGracePeriod(config.shutdownTimeout())
                // Without TCP_NODELAY, Nagle's algorithm holds small gRPC responses back until the peer's delayed
                // ACK, about 40 ms per call.
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                .addProtocol(grpcProtocol)
                .addProtocol(http2)
                .addConnectionSelector(new GrpcHttp2(http2, grpcProtocol, malformed))
                .addRouting(routing)
                .putSocket("admin", socket -> socket.port(config.adminPort()))
                .routing("admin", adminRoutes::register);
        if (config.pprof().enabled()) {
            Profiling profiling = new Profiling(core.users().authenticator());
            builder.putSocket("pprof", socket -> socket.port(config.pprof().port()))
                    .routing("pprof", profiling::register);
        }
        config.tls().map(TransportSecurity::tls).ifPresent(builder::tls);
        if (config.grpc().reflectionEnabled()) {
            builder.addFeature(GrpcReflectionFeature.create(reflection -> reflection.enabled(true).addSocket("@default")));
        }
        phases.mark("routing");
        WebServer webServer = builder.build().start();
        phases.mark("listeners");
        resources.add(webServer::stop);
        resources.add(subscriptions::close);
        return webServer;
    }
}
