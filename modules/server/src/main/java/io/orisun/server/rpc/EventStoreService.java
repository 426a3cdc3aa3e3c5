package io.orisun.server.rpc;

import io.orisun.server.BuildInfo;

import io.grpc.stub.StreamObserver;
import io.orisun.api.Criterion;
import io.orisun.proto.Event;
import io.orisun.api.EventLog;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.RequestLimits;
import io.orisun.api.SaveRequest;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.CreateIndexRequest;
import io.orisun.proto.CreateIndexResponse;
import io.orisun.proto.DropIndexRequest;
import io.orisun.proto.DropIndexResponse;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.GetIndexRequest;
import io.orisun.proto.GetIndexResponse;
import io.orisun.proto.ListIndexesRequest;
import io.orisun.proto.ListIndexesResponse;
import io.orisun.proto.PubSubMessage;
import io.orisun.proto.PublishToPubSubRequest;
import io.orisun.proto.PublishToPubSubResponse;
import io.orisun.proto.SubscribeToPubSubRequest;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.GetEventsResponse;
import io.orisun.proto.GetLatestByCriteriaRequest;
import io.orisun.proto.GetLatestByCriteriaResponse;
import io.orisun.proto.GetServerInfoRequest;
import io.orisun.proto.GetServerInfoResponse;
import io.orisun.proto.PingRequest;
import io.orisun.proto.PingResponse;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.ServerCapability;
import io.orisun.proto.StorageBackend;
import io.orisun.proto.WriteResult;
import java.util.List;

/**
 * {@code orisun.EventStore}: saves, reads and server information. Calls run on virtual threads, so the blocking
 * calls into the event log are fine. RPCs not overridden here answer {@code UNIMPLEMENTED}. Every request that
 * carries criteria or events is checked against the {@link RequestLimits} before the event log sees it.
 */
public final class EventStoreService extends EventStoreGrpc.EventStoreImplBase {

    private final EventLog eventLog;
    private final RequestLimits limits;
    private final IndexEndpoints indexes;
    private final SubscriptionEndpoints subscriptions;
    private final GetServerInfoResponse serverInfo;

    public EventStoreService(EventLog eventLog, RequestLimits limits, IndexEndpoints indexes, SubscriptionEndpoints subscriptions,
                      String nodeId, List<ServerCapability> capabilities) {
        this.eventLog = eventLog;
        this.limits = limits;
        this.indexes = indexes;
        this.subscriptions = subscriptions;
        BuildInfo build = BuildInfo.current();
        this.serverInfo = GetServerInfoResponse.newBuilder()
                .setVersion(build.version())
                .setGitCommit(build.gitCommit())
                .setBuildTime(build.buildTime())
                .setBackend(StorageBackend.STORAGE_BACKEND_POSTGRES)
                .setNodeId(nodeId)
                .addAllCapabilities(capabilities)
                .build();
    }

    @Override
    public void ping(PingRequest request, StreamObserver<PingResponse> observer) {
        StatusMapping.unary(observer, PingResponse::getDefaultInstance);
    }

    @Override
    public void getServerInfo(GetServerInfoRequest request, StreamObserver<GetServerInfoResponse> observer) {
        StatusMapping.unary(observer, () -> serverInfo);
    }

    @Override
    public void saveEvents(SaveEventsRequest request, StreamObserver<WriteResult> observer) {
        StatusMapping.unary(observer, () -> {
            SaveRequest save = ProtoMapping.saveRequest(request);
            limits.check(save);
            return ProtoMapping.writeResult(eventLog.save(save));
        });
    }

    @Override
    public void getEvents(GetEventsRequest request, StreamObserver<GetEventsResponse> observer) {
        StatusMapping.unary(observer, () -> {
            ReadRequest read = ProtoMapping.readRequest(request);
            limits.check(read.query());
            List<io.orisun.api.Event> events = eventLog.read(read);
            GetEventsResponse.Builder response = GetEventsResponse.newBuilder();
            for (io.orisun.api.Event event : events) {
                response.addEvents(ProtoMapping.event(event));
            }
            return response.build();
        });
    }

    @Override
    public void getLatestByCriteria(GetLatestByCriteriaRequest request,
                                    StreamObserver<GetLatestByCriteriaResponse> observer) {
        StatusMapping.unary(observer, () -> {
            List<Criterion> criteria = ProtoMapping.criteria(request.getCriteriaList());
            limits.check(new Query(criteria));
            return ProtoMapping.latestResponse(criteria, eventLog.latest(request.getBoundary(), criteria));
        });
    }

    @Override
    public void catchUpSubscribeToEvents(CatchUpSubscribeToEventStoreRequest request, StreamObserver<Event> observer) {
        subscriptions.catchUp(request, observer);
    }

    @Override
    public void publishToPubSub(PublishToPubSubRequest request, StreamObserver<PublishToPubSubResponse> observer) {
        StatusMapping.unary(observer, () -> subscriptions.publish(request));
    }

    @Override
    public void subscribeToPubSub(SubscribeToPubSubRequest request, StreamObserver<PubSubMessage> observer) {
        subscriptions.subscribe(request, observer);
    }

    @Override
    public void createIndex(CreateIndexRequest request, StreamObserver<CreateIndexResponse> observer) {
        StatusMapping.unary(observer, () -> indexes.create(request));
    }

    @Override
    public void dropIndex(DropIndexRequest request, StreamObserver<DropIndexResponse> observer) {
        StatusMapping.unary(observer, () -> indexes.drop(request));
    }

    @Override
    public void listIndexes(ListIndexesRequest request, StreamObserver<ListIndexesResponse> observer) {
        StatusMapping.unary(observer, () -> indexes.list(request));
    }

    @Override
    public void getIndex(GetIndexRequest request, StreamObserver<GetIndexResponse> observer) {
        StatusMapping.unary(observer, () -> indexes.get(request));
    }
}
