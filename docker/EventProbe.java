import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.orisun.proto.CatchUpSubscribeToEventStoreRequest;
import io.orisun.proto.Criterion;
import io.orisun.proto.Event;
import io.orisun.proto.EventStoreGrpc;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.Position;
import io.orisun.proto.Query;
import io.orisun.proto.SaveEventsRequest;
import io.orisun.proto.SaveQuery;
import io.orisun.proto.Tag;
import io.orisun.proto.WriteResult;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Saves and finds events through a server's gRPC API, as a client outside its container does. Run as a source file
 * with the runtime image's jars (generated stubs, gRPC) on the class path:
 * <pre>java -cp 'jlink/target/orisun/app/*' docker/EventProbe.java HOST:PORT save|find|follow ID</pre>
 * save: saves event ID tagged probe=ID, conditional on no such event yet. find: exactly that one event must be
 * there. follow: saves ID-1, subscribes from the start to the events tagged follow=ID, receives ID-1, saves ID-2 and
 * must receive it as it is published. Exits 0 when the check holds, 1 (with the reason) when it does not. Credentials come from
 * ORISUN_PROBE_USER and ORISUN_PROBE_PASSWORD (admin / changeit).
 */
public final class EventProbe {

    private static final String BOUNDARY = "orisun_test_1";

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EventProbe HOST:PORT save|find|follow ID");
            System.exit(2);
        }
        String credentials = env("ORISUN_PROBE_USER", "admin") + ":" + env("ORISUN_PROBE_PASSWORD", "changeit");
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        ManagedChannel channel = ManagedChannelBuilder.forTarget(args[0]).usePlaintext().build();
        try {
            var blocking = EventStoreGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            var async = EventStoreGrpc.newStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            String id = args[2];
            String failure = switch (args[1]) {
                case "save" -> save(blocking, id, id);
                case "find" -> find(blocking, id);
                case "follow" -> follow(blocking, async, id);
                default -> "unknown check " + args[1];
            };
            if (failure != null) {
                System.err.println("EventProbe " + args[1] + " " + id + ": " + failure);
                System.exit(1);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Saves eventId tagged probe=eventId and follow=group, conditional on no event tagged probe=eventId yet. */
    private static String save(EventStoreGrpc.EventStoreBlockingStub store, String eventId, String group) {
        WriteResult result = store.withDeadlineAfter(30, TimeUnit.SECONDS).saveEvents(SaveEventsRequest.newBuilder()
                .setBoundary(BOUNDARY)
                .setQuery(SaveQuery.newBuilder()
                        .setExpectedPosition(Position.newBuilder().setTransactionId(-1).setGlobalId(-1))
                        .addCriteria(tagged("probe", eventId)))
                .addEvents(EventToSave.newBuilder().setEventId(eventId).setEventType("ContainerChecked")
                        .setData("{\"probe\": \"" + eventId + "\", \"follow\": \"" + group + "\"}"))
                .build());
        System.out.println("saved " + eventId + " at " + result.getLogPosition().getTransactionId() + "/"
                + result.getLogPosition().getGlobalId());
        return null;
    }

    private static String find(EventStoreGrpc.EventStoreBlockingStub store, String id) {
        List<Event> events = store.withDeadlineAfter(30, TimeUnit.SECONDS).getEvents(GetEventsRequest.newBuilder()
                .setBoundary(BOUNDARY).setQuery(Query.newBuilder().addCriteria(tagged("probe", id))).setCount(10).build())
                .getEventsList();
        if (events.size() != 1 || !events.getFirst().getEventId().equals(id)) {
            return "expected the one event " + id + ", found " + events.stream().map(Event::getEventId).toList();
        }
        System.out.println("found " + id + " at " + events.getFirst().getPosition().getTransactionId() + "/"
                + events.getFirst().getPosition().getGlobalId() + ": " + events.getFirst().getData());
        return null;
    }

    private static String follow(EventStoreGrpc.EventStoreBlockingStub store, EventStoreGrpc.EventStoreStub async,
                                 String id) throws InterruptedException {
        save(store, id + "-1", id);
        var received = new LinkedBlockingQueue<Object>();
        async.withDeadlineAfter(60, TimeUnit.SECONDS).catchUpSubscribeToEvents(
                CatchUpSubscribeToEventStoreRequest.newBuilder().setBoundary(BOUNDARY).setSubscriberName("probe-" + id)
                        .setAfterPosition(Position.newBuilder().setTransactionId(-1).setGlobalId(-1))
                        .setQuery(Query.newBuilder().addCriteria(tagged("follow", id))).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(Event event) {
                        received.add(event);
                    }

                    @Override
                    public void onError(Throwable error) {
                        received.add(error);
                    }

                    @Override
                    public void onCompleted() {
                        received.add("the subscription ended");
                    }
                });
        for (String expected : List.of(id + "-1", id + "-2")) {
            Object next = received.poll(30, TimeUnit.SECONDS);
            if (!(next instanceof Event event) || !event.getEventId().equals(expected)) {
                return "expected " + expected + " on the subscription, got " + (next == null ? "nothing in 30 s" : next);
            }
            System.out.println("received " + expected + " on the subscription");
            if (expected.endsWith("-1")) {
                save(store, id + "-2", id);
            }
        }
        return null;
    }

    private static Criterion tagged(String key, String value) {
        return Criterion.newBuilder().addTags(Tag.newBuilder().setKey(key).setValue(value)).build();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
