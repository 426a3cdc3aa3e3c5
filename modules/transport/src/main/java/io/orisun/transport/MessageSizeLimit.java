package io.orisun.transport;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Enforces {@code ORISUN_GRPC_MAX_RECEIVE_MESSAGE_SIZE} with a clear {@code RESOURCE_EXHAUSTED} on the parsed message,
 * before any handler sees it. A message whose length prefix is already above the limit is refused earlier, from the
 * prefix ({@link RequestFraming}); this catches a compressed message that grows beyond the limit. Helidon's own
 * read-buffer limit fails the stream without answering it, so the server sets that limit to {@link #transportLimit}.
 */
public final class MessageSizeLimit implements ServerInterceptor {

    private final int limit;

    public MessageSizeLimit(int limit) {
        this.limit = limit;
    }

    /**
     * The read-buffer limit to give the transport: twice the configured limit (capped), so that requests up to that
     * size get this class's clear answer. Larger ones still hit the transport's limit.
     */
    public static int transportLimit(int limit) {
        return (int) Math.min(Integer.MAX_VALUE - 64L, 2L * limit);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                if (message instanceof MessageLite proto && proto.getSerializedSize() > limit) {
                    refused = true;
                    call.close(Status.RESOURCE_EXHAUSTED.withDescription("the request message of "
                            + proto.getSerializedSize() + " bytes is larger than the server accepts (" + limit
                            + " bytes, ORISUN_GRPC_MAX_RECEIVE_MESSAGE_SIZE)"), new Metadata());
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onReady() {
                if (!refused) {
                    super.onReady();
                }
            }

            @Override
            public void onComplete() {
                if (!refused) {
                    super.onComplete();
                }
            }
        };
    }
}
