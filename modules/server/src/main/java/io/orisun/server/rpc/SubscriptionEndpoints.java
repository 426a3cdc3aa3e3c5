package io.orisun.server.rpc;

import io.orisun.server.ServerContext;
import io.orisun.server.config.OrisunConfig;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.orisun.api.LogObserver;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.RequestLimits;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Event;
import io.orisun.proto.PubSubMessage;
import io.orisun.proto.PublishToPubSubRequest;
import io.orisun.proto.PublishToPubSubResponse;
import io.orisun.proto.SubscribeToPubSubRequest;
import io.orisun.publisher.BoundaryPublishers;
import io.orisun.publisher.CatchUpRequest;
import io.orisun.publisher.CatchUpSubscription;
import io.orisun.publisher.CatchUpSubscriptions;
import io.orisun.publisher.EventSink;
import io.orisun.publisher.EventMac;
import io.orisun.publisher.FeedSettings;
import io.orisun.publisher.PubSub;
import io.orisun.publisher.PubSubSubscription;
import io.orisun.publisher.PublisherSettings;
import io.orisun.transport.CoalescingWriter;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Catch-up subscriptions and plain pub/sub on {@code orisun.EventStore}, and the publishers that feed them.
 *
 * <p>Streaming calls run as blocking loops on the handler's virtual thread: {@code onNext} blocks while the client
 * is slow, which slows that stream alone. The server hands streaming handlers a {@link ServerCallStreamObserver},
 * whose cancel handler ends the loop. A client cancel or disconnect ends the stream and frees its subscriber
 * name at once; when the node shuts down, open streams end with {@code UNAVAILABLE}.
 */
public final class SubscriptionEndpoints implements AutoCloseable {

    private final CatchUpSubscriptions subscriptions;
    private final PubSub pubSub;
    private final RequestLimits limits;
    private final Set<PubSubSubscription> pubSubStreams = ConcurrentHashMap.newKeySet();
    private final Set<LiveStream> catchUpStreams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private SubscriptionEndpoints(CatchUpSubscriptions subscriptions, PubSub pubSub, RequestLimits limits) {
        this.subscriptions = subscriptions;
        this.pubSub = pubSub;
        this.limits = limits;
    }

    /**
     * Starts a publisher for every active boundary and every boundary activated later, and the subscription
     * service. Everything closes with the node: the streams (this object) first, then the publishers.
     */
    public static SubscriptionEndpoints create(ServerContext context, LogObserver observer, EventMac mac) {
        OrisunConfig config = context.config();
        PublisherSettings settings = config.publisher().withNodeId(context.nodeId());
        BoundaryPublishers publishers = new BoundaryPublishers(context.nats(), context.eventLog(),
                context.postgres()::connect, settings, mac, observer);
        context.resources().onClose(publishers);
        context.boundaries().all().forEach(publishers::start);
        context.boundaries().onActivated(publishers::start);

        CatchUpSubscriptions subscriptions = new CatchUpSubscriptions(context.nats(), context.eventLog(),
                FeedSettings.of(settings.stream()), mac);
        SubscriptionEndpoints endpoints = new SubscriptionEndpoints(subscriptions, new PubSub(context.nats()),
                config.limits());
        context.resources().onClose(endpoints);
        return endpoints;
    }

    /** How many event messages the live feeds dropped because their MAC was missing or wrong. */
    public long rejectedMessages() {
        return subscriptions.rejectedMessages();
    }

    void catchUp(CatchUpSubscribeToEventStoreRequest request, StreamObserver<Event> observer) {
        CatchUpSubscription subscription;
        try {
            Optional<Position> after = request.hasAfterPosition()
                    ? Optional.of(ProtoMapping.position(request.getAfterPosition())) : Optional.empty();
            Query query = request.hasQuery() ? ProtoMapping.query(request.getQuery()) : Query.all();
            // The filter runs on every live event of the boundary: the same limits as a read keep that work bounded.
            limits.check(query);
            subscription = subscriptions.open(new CatchUpRequest(request.getBoundary(), query, after,
                    request.getSubscriberName()));
        } catch (RuntimeException e) {
            observer.onError(StatusMapping.toStatus(e));
            return;
        }
        ServerCallStreamObserver<Event> call = (ServerCallStreamObserver<Event>) observer;
        LiveStream stream = new LiveStream(request.getBoundary(), subscription.request().after().orElse(Position.NONE));
        catchUpStreams.add(stream);
        try {
            call.setOnCancelHandler(subscription::cancel);
            // Events go out in as few socket writes as the stream allows: held back while the subscription has
            // more at hand, sent whenever it is about to wait.
            CoalescingWriter.batched(() -> subscription.run(new EventSink() {
                @Override
                public void accept(io.orisun.api.Event event) {
                    if (call.isCancelled()) {
                        subscription.cancel();
                        return;
                    }
                    observer.onNext(ProtoMapping.event(event));
                    stream.delivered = event.position();
                }

                @Override
                public void flush() {
                    CoalescingWriter.flushBatch();
                }
            }));
        } catch (RuntimeException e) {
            // An interrupted handler belongs to a connection the server is tearing down: nothing can be sent.
            if (!call.isCancelled() && !Thread.currentThread().isInterrupted()) {
                observer.onError(StatusMapping.toStatus(e));
            }
        } finally {
            catchUpStreams.remove(stream);
            subscription.close();
        }
    }

    /** The open catch-up streams of {@code boundary}. */
    public int activeCatchUps(String boundary) {
        int count = 0;
        for (LiveStream stream : catchUpStreams) {
            if (stream.boundary.equals(boundary)) {
                count++;
            }
        }
        return count;
    }

    /** The open pub/sub streams. */
    public int activePubSubs() {
        return pubSubStreams.size();
    }

    /** The position of the last event sent on the slowest open catch-up stream of {@code boundary}. */
    public Optional<Position> slowestCatchUp(String boundary) {
        Position slowest = null;
        for (LiveStream stream : catchUpStreams) {
            if (stream.boundary.equals(boundary) && (slowest == null || stream.delivered.compareTo(slowest) < 0)) {
                slowest = stream.delivered;
            }
        }
        return Optional.ofNullable(slowest);
    }

    /** An open catch-up stream and the position of the last event it sent (written by its own handler only). */
    private static final class LiveStream {
        private final String boundary;
        private volatile Position delivered;

        LiveStream(String boundary, Position start) {
            this.boundary = boundary;
            this.delivered = start;
        }
    }

    PublishToPubSubResponse publish(PublishToPubSubRequest request) {
        limits.checkPayload("the message", request.getData(), request.getMetadata());
        pubSub.publish(request.getSubject(), request.getData(), request.getMetadata());
        return PublishToPubSubResponse.getDefaultInstance();
    }

    void subscribe(SubscribeToPubSubRequest request, StreamObserver<PubSubMessage> observer) {
        PubSubSubscription subscription;
        try {
            if (closed) {
                throw Status.UNAVAILABLE.withDescription("the server is shutting down").asRuntimeException();
            }
            subscription = pubSub.subscribe(request.getSubject(), request.getConsumerName());
        } catch (RuntimeException e) {
            observer.onError(StatusMapping.toStatus(e));
            return;
        }
        pubSubStreams.add(subscription);
        ServerCallStreamObserver<PubSubMessage> call = (ServerCallStreamObserver<PubSubMessage>) observer;
        try {
            call.setOnCancelHandler(subscription::cancel);
            subscription.run(message -> {
                if (call.isCancelled()) {
                    subscription.cancel();
                    return;
                }
                Instant at = message.publishedAt();
                observer.onNext(PubSubMessage.newBuilder()
                        .setSubject(message.subject())
                        .setData(message.data())
                        .setMetadata(message.metadata())
                        .setPublishedAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
                        .build());
            });
            if (closed && !call.isCancelled()) {
                observer.onError(Status.UNAVAILABLE.withDescription("the server is shutting down").asRuntimeException());
            }
        } catch (RuntimeException e) {
            if (!call.isCancelled() && !Thread.currentThread().isInterrupted()) {
                observer.onError(StatusMapping.toStatus(e));
            }
        } finally {
            pubSubStreams.remove(subscription);
            subscription.close();
        }
    }

    /**
     * Ends every open stream with {@code UNAVAILABLE} and refuses new ones; the publishers keep running until they
     * close on their own. Safe to call more than once. The web server waits for open streams when it stops, so
     * this should run before it does.
     */
    @Override
    public void close() {
        closed = true;
        subscriptions.close();
        pubSubStreams.forEach(PubSubSubscription::cancel);
    }
}
