package io.orisun.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.BindableService;
import io.grpc.CompressorRegistry;
import io.grpc.DecompressorRegistry;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.http2.Http2Flag;
import io.helidon.http.http2.Http2FrameHeader;
import io.helidon.http.http2.Http2FrameTypes;
import io.helidon.http.http2.Http2RstStream;
import io.helidon.http.http2.Http2StreamState;
import io.helidon.http.http2.Http2WindowUpdate;
import io.helidon.webserver.http2.spi.Http2SubProtocolSelector.SubProtocolHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orisun.api.OrisunException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every gRPC call that reaches a method gets a status, however malformed its request. Helidon 4.5's gRPC handler
 * ({@code GrpcProtocolHandler.data}) catches any failure while it reads a request message, logs it and cancels the
 * call without answering it or ending its stream: a message that protobuf cannot parse (invalid UTF-8 in a string,
 * a field cut short, bytes that are no message), a compressed message on a call without a usable
 * {@code grpc-encoding}, a message above its read-buffer limit. The client waits for its deadline (for ever
 * without one) and the stream stays open. Helidon also ends a request stream that stops inside a message as if it
 * were whole, and answers an unknown {@code grpc-encoding} before the interceptors run, outside the metrics.
 * <p>
 * Three parts, one per place where the request is lost, answer such a call instead:
 * <ul>
 *   <li>{@link #guard} wraps Helidon's handler of each gRPC stream. It follows the message framing
 *       ({@link RequestFraming}) and answers a framing fault before Helidon reads the frame, and any failure Helidon
 *       still swallows while reading one (the cancel it then delivers is the sign); it answers an unknown
 *       {@code grpc-encoding} with {@code UNIMPLEMENTED} itself; and it counts the calls that have not ended
 *       ({@code orisun_grpc_calls_open}), which an unanswered request would keep up.</li>
 *   <li>{@link #answeringParseFailures} gives each method a request marshaller that, instead of throwing, answers
 *       a message that does not parse with {@code INTERNAL} (as grpc-java and grpc-go do) and hands Helidon the
 *       empty message, which then never reaches the service. Helidon's handler therefore goes on as for any
 *       message and ends the stream when the client half-closes.</li>
 *   <li>This interceptor, which the server places right inside the one that measures calls (so the answer is
 *       measured with its status), ties each call to its stream, keeps every event after the answer from the
 *       service, answers a unary call that sends no message or more than one, and percent-encodes every status
 *       description ({@link StatusText}), which Helidon writes to {@code grpc-message} as it is.</li>
 * </ul>
 * Each answered request counts in {@code orisun_grpc_malformed_requests_total{kind}}. The answer closes the call
 * through Helidon, which writes the status and leaves the stream half-closed until the client's end of stream,
 * so a client still sending is not refused with a connection-wide error.
 */
public final class MalformedRequests implements ServerInterceptor {

    private static final System.Logger LOG = System.getLogger(MalformedRequests.class.getName());

    /** The stream whose Helidon handler runs on this thread: its start (the interceptors) or one DATA frame. */
    private static final ThreadLocal<GuardedStream> CURRENT = new ThreadLocal<>();

    private static final Metadata.Key<String> ACCEPT_ENCODING =
            Metadata.Key.of("grpc-accept-encoding", Metadata.ASCII_STRING_MARSHALLER);

    private final MeterRegistry registry;
    private final int maxMessageBytes;
    private final AtomicInteger openCalls = new AtomicInteger();

    /**
     * @param registry        where the counter and the open-calls gauge are registered
     * @param maxMessageBytes the largest request message accepted ({@code ORISUN_GRPC_MAX_RECEIVE_MESSAGE_SIZE})
     */
    public MalformedRequests(MeterRegistry registry, int maxMessageBytes) {
        this.registry = registry;
        this.maxMessageBytes = maxMessageBytes;
        Gauge.builder("orisun.grpc.calls.open", openCalls, AtomicInteger::get)
                .description("gRPC calls received and not yet ended: from the request headers until the status is sent"
                        + " or the client cancels")
                .register(registry);
    }

    /**
     * Helidon's handler of one gRPC stream, guarded. {@code encoding} is the call's {@code grpc-encoding}; when it
     * names a compression the server lacks, {@code helidon} must have been given the headers without it (Helidon
     * would answer before the interceptors run) and the guard answers {@code UNIMPLEMENTED} itself.
     */
    SubProtocolHandler guard(SubProtocolHandler helidon, Optional<String> encoding) {
        return new GuardedStream(helidon, encoding);
    }

    /** Whether the server can read and write messages compressed with {@code encoding}. */
    static boolean supported(String encoding) {
        return DecompressorRegistry.getDefaultInstance().lookupDecompressor(encoding) != null
                && CompressorRegistry.getDefaultInstance().lookupCompressor(encoding) != null;
    }

    /**
     * {@code service} with request marshallers that answer a message protobuf cannot parse instead of throwing.
     * Methods whose marshaller has no prototype message keep theirs.
     */
    public static BindableService answeringParseFailures(BindableService service) {
        ServerServiceDefinition bound = service.bindService();
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : bound.getMethods()) {
            methods.add(tolerant(method));
        }
        ServiceDescriptor original = bound.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        methods.forEach(method -> descriptor.addMethod(method.getMethodDescriptor()));
        ServerServiceDefinition.Builder rebuilt = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(rebuilt::addMethod);
        ServerServiceDefinition definition = rebuilt.build();
        return () -> definition;
    }

    private static <Q, R> ServerMethodDefinition<Q, R> tolerant(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
        if (!(descriptor.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> parser)) {
            return method;
        }
        return ServerMethodDefinition.create(descriptor.toBuilder().setRequestMarshaller(new TolerantParser<>(parser))
                .build(), method.getServerCallHandler());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                         ServerCallHandler<Q, R> next) {
        GuardedStream stream = CURRENT.get();
        if (stream == null) {
            return next.startCall(new EncodedStatusCall<>(call, () -> { }), headers);
        }
        ServerCall<Q, R> encoded = new EncodedStatusCall<>(call, stream::release);
        stream.answerThrough(encoded);
        ServerCall.Listener<Q> listener = next.startCall(encoded, headers);
        return new Screened<>(listener, stream, call.getMethodDescriptor().getType().clientSendsOneMessage());
    }

    private void count(String kind) {
        Counter.builder("orisun.grpc.malformed.requests")
                .description("gRPC requests answered because they could not be read: by kind of fault")
                .tag("kind", kind)
                .register(registry)
                .increment();
    }

    /** Writes status descriptions as the gRPC spec asks for {@code grpc-message}, and notes that the call ended. */
    private static final class EncodedStatusCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final Runnable ended;

        EncodedStatusCall(ServerCall<Q, R> call, Runnable ended) {
            super(call);
            this.ended = ended;
        }

        @Override
        public void close(Status status, Metadata trailers) {
            String description = status.getDescription();
            try {
                super.close(description == null ? status : status.withDescription(StatusText.forWire(description)),
                        trailers);
            } finally {
                ended.run();
            }
        }
    }

    /** A call's events, kept from the service once its stream has been answered. */
    private final class Screened<Q> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final GuardedStream stream;
        private final boolean oneMessage;
        private int messages;

        Screened(ServerCall.Listener<Q> listener, GuardedStream stream, boolean oneMessage) {
            super(listener);
            this.stream = stream;
            this.oneMessage = oneMessage;
        }

        @Override
        public void onMessage(Q message) {
            if (stream.answered()) {
                return;
            }
            if (oneMessage && ++messages > 1) {
                stream.answer("message_count", Status.INTERNAL.withDescription(
                        "a unary call takes one request message, and this one sent more"));
                return;
            }
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (stream.answered()) {
                return;
            }
            if (oneMessage && messages == 0) {
                stream.answer("message_count", Status.INTERNAL.withDescription(
                        "the request stream ended without its request message"));
                return;
            }
            stream.serving();
            super.onHalfClose();
        }

        @Override
        public void onReady() {
            if (!stream.answered()) {
                super.onReady();
            }
        }

        /** A cancel from Helidon while it reads a frame is a failure it swallowed, which the guard then answers. */
        @Override
        public void onCancel() {
            if (!stream.swallowedWhileReading()) {
                super.onCancel();
            }
        }
    }

    /** Helidon's handler of one gRPC stream, with the framing checked and the call counted until it ends. */
    private final class GuardedStream implements SubProtocolHandler {
        private final SubProtocolHandler helidon;
        private final Optional<String> unsupportedEncoding;
        private final RequestFraming framing;
        private final AtomicBoolean answered = new AtomicBoolean();
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile ServerCall<?, ?> call;
        private volatile Thread reading;
        private volatile boolean swallowed;
        private volatile boolean serving;

        GuardedStream(SubProtocolHandler helidon, Optional<String> encoding) {
            this.helidon = helidon;
            this.unsupportedEncoding = encoding.filter(name -> !supported(name));
            boolean decompresses = encoding.filter(name -> !name.equals("identity") && supported(name)).isPresent();
            this.framing = new RequestFraming(maxMessageBytes, decompresses);
        }

        void answerThrough(ServerCall<?, ?> call) {
            this.call = call;
        }

        boolean answered() {
            return answered.get();
        }

        /** Whether a fault can be answered: the call's interceptors have run, and nothing has answered it yet. */
        boolean answerable() {
            return call != null && !answered.get();
        }

        /**
         * Notes that the request is complete and the service runs: unary and server-streaming handlers run inside the
         * half-close, on the thread that reads the frames, and a cancel from there is no longer a reading failure.
         */
        void serving() {
            serving = true;
        }

        /** Notes a cancel that Helidon delivers while it reads a request on this thread: it swallowed a failure. */
        boolean swallowedWhileReading() {
            if (reading == Thread.currentThread() && !serving) {
                swallowed = true;
                return true;
            }
            return false;
        }

        void answer(String kind, Status status) {
            answer(kind, status, new Metadata());
        }

        void answer(String kind, Status status, Metadata trailers) {
            ServerCall<?, ?> answering = call;
            if (answering != null && answered.compareAndSet(false, true)) {
                count(kind);
                LOG.log(System.Logger.Level.DEBUG, "malformed request to {0} ({1}): {2}",
                        answering.getMethodDescriptor().getFullMethodName(), kind, status);
                answering.close(status, trailers);
            }
        }

        @Override
        public void init() {
            openCalls.incrementAndGet();
            CURRENT.set(this);
            try {
                helidon.init();
            } catch (RuntimeException | Error e) {
                release();
                throw e;
            } finally {
                CURRENT.remove();
            }
            unsupportedEncoding.ifPresent(encoding -> {
                Metadata trailers = new Metadata();
                trailers.put(ACCEPT_ENCODING, String.join(",",
                        DecompressorRegistry.getDefaultInstance().getAdvertisedMessageEncodings()));
                answer("compression", Status.UNIMPLEMENTED.withDescription("grpc-encoding '"
                        + OrisunException.echo(encoding) + "' is not supported"), trailers);
            });
        }

        @Override
        public Http2StreamState streamState() {
            Http2StreamState state = helidon.streamState();
            if (state == Http2StreamState.CLOSED) {
                release();
            }
            return state;
        }

        @Override
        public void rstStream(Http2RstStream rstStream) {
            try {
                helidon.rstStream(rstStream);
            } finally {
                release();
            }
        }

        @Override
        public void windowUpdate(Http2WindowUpdate update) {
            helidon.windowUpdate(update);
        }

        /**
         * Checks the frame's framing before Helidon reads it. After an answer Helidon's call is half-closed on the
         * server's side, so Helidon passes over the frame's bytes and only takes its end of stream, if it has one.
         * A failure Helidon still swallows while reading (one in a marshaller not ours, such as the reflection
         * service's, or in a listener) is answered afterwards, and the frame's end of stream, which Helidon then
         * skipped, is handed to it again so that the stream can close.
         */
        @Override
        public void data(Http2FrameHeader header, BufferData data) {
            boolean endOfStream = header.flags(Http2FrameTypes.DATA).endOfStream();
            if (answerable()) {
                framing.next(data, endOfStream).ifPresent(fault -> answer(fault.kind(), fault.status()));
            }
            CURRENT.set(this);
            reading = Thread.currentThread();
            try {
                helidon.data(header, data);
            } finally {
                reading = null;
                CURRENT.remove();
            }
            if (swallowed && answerable()) {
                answer("unreadable", Status.INTERNAL.withDescription("the request message could not be read"));
                if (endOfStream) {
                    helidon.data(Http2FrameHeader.create(0, Http2FrameTypes.DATA,
                            Http2Flag.DataFlags.create(Http2Flag.DataFlags.END_OF_STREAM), header.streamId()),
                            BufferData.empty());
                }
            }
        }

        /** Notes that the call ended: its status was sent, the client reset the stream, or Helidon closed it. */
        void release() {
            if (released.compareAndSet(false, true)) {
                openCalls.decrementAndGet();
            }
        }
    }

    /**
     * A request marshaller that answers a message protobuf cannot parse, through the stream being read on this
     * thread, and returns the empty message for Helidon to pass on (the interceptor keeps it from the service).
     * Where no stream can be answered it throws as the marshaller it wraps does.
     */
    private record TolerantParser<T>(MethodDescriptor.PrototypeMarshaller<T> parser)
            implements MethodDescriptor.PrototypeMarshaller<T> {

        @Override
        public InputStream stream(T value) {
            return parser.stream(value);
        }

        @Override
        public T parse(InputStream stream) {
            try {
                return parser.parse(stream);
            } catch (RuntimeException e) {
                GuardedStream current = CURRENT.get();
                if (current == null || !current.answerable()) {
                    throw e;
                }
                current.answer("unparseable", Status.INTERNAL.withDescription("the request is not a valid "
                        + messageName() + " message: " + reason(e)));
                return parser.getMessagePrototype();
            }
        }

        private String messageName() {
            return parser.getMessagePrototype() instanceof Message message
                    ? message.getDescriptorForType().getFullName()
                    : parser.getMessageClass().getSimpleName();
        }

        /** Protobuf's own words for what is wrong, which grpc-java wraps in a generic status. */
        private static String reason(RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof InvalidProtocolBufferException invalid && invalid.getMessage() != null) {
                    return invalid.getMessage();
                }
            }
            return Status.fromThrowable(e).getDescription() == null ? e.getClass().getSimpleName()
                    : Status.fromThrowable(e).getDescription();
        }

        @Override
        public T getMessagePrototype() {
            return parser.getMessagePrototype();
        }

        @Override
        public Class<T> getMessageClass() {
            return parser.getMessageClass();
        }
    }
}
