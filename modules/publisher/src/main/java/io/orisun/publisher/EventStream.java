package io.orisun.publisher;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Position;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * The JetStream stream of one boundary: {@code ORISUN_EVENTS___<boundary>}, capturing
 * {@code ORISUN_EVENTS___<boundary>.events.>}, in memory, with the configured limits.
 */
record EventStream(String boundary, String name, String subject) {

    static final String PREFIX = "ORISUN_EVENTS___";

    /** JetStream's error code for a stream that does not exist. */
    private static final int STREAM_NOT_FOUND = 10059;
    /** JetStream's error code for creating a stream whose name is taken with another configuration. */
    private static final int STREAM_NAME_IN_USE = 10058;
    /** JetStream's error code for a message lookup that finds none. */
    private static final int NO_MESSAGE = 10037;

    private static final System.Logger LOG = System.getLogger(EventStream.class.getName());

    static EventStream of(String boundary) {
        BoundarySpec.requireBoundaryName(boundary);
        String name = PREFIX + boundary;
        return new EventStream(boundary, name, name + ".events.log");
    }

    /** The subjects the stream captures. */
    String subjects() {
        return name + ".events.>";
    }

    StreamConfiguration configuration(StreamSettings settings) {
        return StreamConfiguration.builder()
                .name(name)
                .description("Events of boundary " + boundary + ", published from the PostgreSQL log by Orisun-J")
                .subjects(subjects())
                .storageType(StorageType.Memory)
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.Old)
                .maxAge(settings.maxAge())
                .maxBytes(settings.maxBytes())
                .maxMessages(settings.maxMessages())
                .replicas(settings.replicas())
                .duplicateWindow(settings.duplicateWindow())
                .build();
    }

    /** Creates the stream with {@code settings}, or brings an existing one to them. */
    void createOrUpdate(JetStreamManagement jsm, StreamSettings settings) throws IOException, JetStreamApiException {
        StreamConfiguration wanted = configuration(settings);
        if (exists(jsm)) {
            try {
                jsm.updateStream(wanted);
            } catch (JetStreamApiException e) {
                // Some changes (the storage type, for one) cannot be applied to a live stream; the stream still
                // works, so keep it and say why it differs.
                LOG.log(System.Logger.Level.WARNING, "stream {0} keeps its previous settings: {1}", name, e.getMessage());
            }
            return;
        }
        create(jsm, wanted);
    }

    /** Creates the stream with {@code settings} unless it exists, and returns its creation time. */
    ZonedDateTime ensureExists(JetStreamManagement jsm, StreamSettings settings) throws IOException, JetStreamApiException {
        try {
            return jsm.getStreamInfo(name).getCreateTime();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
        }
        return create(jsm, configuration(settings)).getCreateTime();
    }

    /** The creation time of the stream, or empty when it does not exist. */
    Optional<ZonedDateTime> createdAt(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        try {
            return Optional.of(jsm.getStreamInfo(name).getCreateTime());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The stream's last sequence, 0 when it is empty and has never held a message. */
    long lastSequence(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        return jsm.getStreamInfo(name).getStreamState().getLastSequence();
    }

    /**
     * The position of the event in the stream's last message, read from its position headers; empty when the stream
     * holds no message (never published to, or every message aged out) or the last message carries no position.
     */
    Optional<Position> lastPosition(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        MessageInfo last;
        try {
            last = jsm.getLastMessage(name, subject);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE || e.getApiErrorCode() == STREAM_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        Headers headers = last.getHeaders();
        if (headers == null || headers.getFirst(EventMessage.TRANSACTION_ID) == null
                || headers.getFirst(EventMessage.GLOBAL_ID) == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Position(Long.parseLong(headers.getFirst(EventMessage.TRANSACTION_ID)),
                    Long.parseLong(headers.getFirst(EventMessage.GLOBAL_ID))));
        } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "the last message of stream {0} has a malformed position: {1}", name,
                    e.getMessage());
            return Optional.empty();
        }
    }

    private boolean exists(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        return createdAt(jsm).isPresent();
    }

    private StreamInfo create(JetStreamManagement jsm, StreamConfiguration configuration)
            throws IOException, JetStreamApiException {
        try {
            StreamInfo info = jsm.addStream(configuration);
            LOG.log(System.Logger.Level.INFO, "created stream {0} for boundary {1}", name, boundary);
            return info;
        } catch (JetStreamApiException e) {
            // Another node created it a moment ago, with settings of its own.
            if (e.getApiErrorCode() == STREAM_NAME_IN_USE) {
                return jsm.getStreamInfo(name);
            }
            throw e;
        }
    }
}
