package io.orisun.server.rpc;

import io.orisun.server.observe.LiveStreams;
import io.orisun.transport.CoalescingWriter;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.RequestLimits;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Event;
import io.orisun.proto.PubSubMessage;
import io.orisun.proto.PublishToPubSubRequest;
import io.orisun.proto.PublishToPubSubResponse;
import io.orisun.proto.SubscribeToPubSubRequest;
import io.orisun.publisher.CatchUpRequest;
import io.orisun.publisher.CatchUpSubscription;
import io.orisun.publisher.CatchUpSubscriptions;
import io.orisun.publisher.EventSink;
import io.orisun.publisher.PubSub;
import io.orisun.publisher.PubSubSubscription;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Catch-up subscriptions and plain pub/sub on {@code orisun.EventStore}.
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
    private final LiveStreams streams;
    private final Set<PubSubSubscription> pubSubStreams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Streams the catch-up subscriptions of {@code subscriptions} and the pub/sub messages of {@code pubSub},
     * recording every open stream in {@code streams}. The publishers that feed the subscriptions run on their own.
     */
    public SubscriptionEndpoints(CatchUpSubscriptions subscriptions, PubSub pubSub, RequestLimits limits,
                                 LiveStreams streams) {
        this.subscriptions = subscriptions;
        this.pubSub = pubSub;
        this.limits = limits;
        this.streams = streams;
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
        LiveStreams.CatchUpStream stream = streams.catchUpOpened(request.getBoundary(),
                subscription.request().after().orElse(Position.NONE));
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
                    stream.delivered(event.position());
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
            streams.catchUpClosed(stream);
            subscription.close();
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
        streams.pubSubOpened();
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
            streams.pubSubClosed();
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
