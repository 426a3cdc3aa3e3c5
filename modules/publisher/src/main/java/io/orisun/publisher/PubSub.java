package io.orisun.publisher;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.orisun.api.InvalidRequest;
import io.orisun.api.OrisunException;
import io.orisun.api.Unavailable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Plain publish/subscribe over core NATS: ephemeral messages for notifications, not stored anywhere, delivered at
 * most once to the subscribers connected at the time. Every subject lives under {@value #PREFIX}, which no event
 * stream captures, so a client can never inject into or read from the event streams this way.
 *
 * <p>Subjects are dot-separated tokens of letters, digits, {@code _} and {@code -}. Subscriptions may use the
 * wildcards {@code *} (one token) and a final {@code >} (the rest); publishing may not. Subscribers that share a
 * consumer name form a queue group: each message goes to one of them.
 */
public final class PubSub {

    /** The NATS subject prefix of every pub/sub subject. */
    public static final String PREFIX = "orisun.pubsub.";
    /** The longest subject accepted, without the prefix. */
    public static final int MAX_SUBJECT_LENGTH = 200;

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]+");
    /** How many messages a subscriber may fall behind before NATS drops its messages (a slow consumer). */
    private static final int PENDING_MESSAGES = 10_000;
    private static final long PENDING_BYTES = 64L * 1024 * 1024;

    private final Connection nats;

    public PubSub(Connection nats) {
        this.nats = Objects.requireNonNull(nats, "nats");
    }

    /**
     * Sends a message to the subscribers of {@code subject} connected now. Returns once the message is handed to
     * the NATS client; there is no acknowledgement.
     *
     * @throws InvalidRequest for an invalid subject or a message larger than NATS accepts
     * @throws Unavailable    when NATS is closed
     */
    public void publish(String subject, String data, String metadata) {
        requireSubject(subject, false);
        byte[] body = encode(data == null ? "" : data, metadata == null ? "" : metadata, Instant.now());
        if (body.length > nats.getMaxPayload()) {
            throw new InvalidRequest("the message is " + body.length + " bytes; NATS accepts at most "
                    + nats.getMaxPayload());
        }
        try {
            nats.publish(PREFIX + subject, body);
        } catch (IllegalStateException e) {
            throw new Unavailable("NATS is not connected: " + e.getMessage(), e);
        }
    }

    /**
     * Subscribes to {@code subject}; with a non-empty {@code consumerName}, as a member of that queue group.
     *
     * @throws InvalidRequest for an invalid subject or consumer name
     * @throws Unavailable    when NATS is closed
     */
    public PubSubSubscription subscribe(String subject, String consumerName) {
        requireSubject(subject, true);
        Subscription subscription;
        try {
            if (consumerName == null || consumerName.isEmpty()) {
                subscription = nats.subscribe(PREFIX + subject);
            } else {
                if (consumerName.length() > MAX_SUBJECT_LENGTH || !TOKEN.matcher(consumerName).matches()) {
                    throw new InvalidRequest("consumer_name must be letters, digits, '_' or '-', at most "
                            + MAX_SUBJECT_LENGTH + " characters");
                }
                subscription = nats.subscribe(PREFIX + subject, consumerName);
            }
        } catch (IllegalStateException e) {
            throw new Unavailable("NATS is not connected: " + e.getMessage(), e);
        }
        subscription.setPendingLimits(PENDING_MESSAGES, PENDING_BYTES);
        return new PubSubSubscription(subscription);
    }

    /** Throws {@link InvalidRequest} unless {@code subject} is a valid pub/sub subject. */
    static void requireSubject(String subject, boolean wildcards) {
        if (subject == null || subject.isEmpty()) {
            throw new InvalidRequest("subject is required");
        }
        if (subject.length() > MAX_SUBJECT_LENGTH) {
            throw new InvalidRequest("subject is longer than " + MAX_SUBJECT_LENGTH + " characters");
        }
        String[] tokens = subject.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            boolean wildcard = token.equals("*") || (token.equals(">") && i == tokens.length - 1);
            if (wildcard && !wildcards) {
                throw new InvalidRequest("subject '" + printable(subject) + "' contains a wildcard, which only subscriptions may use");
            }
            if (!wildcard && !TOKEN.matcher(token).matches()) {
                throw new InvalidRequest("subject '" + printable(subject) + "' must be dot-separated tokens of letters,"
                        + " digits, '_' or '-'" + (wildcards ? " (or the wildcards '*' and a final '>')" : ""));
            }
        }
    }

    private static String printable(String value) {
        return OrisunException.echo(value);
    }

    static byte[] encode(String data, String metadata, Instant publishedAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + data.length() + metadata.length());
        try (JsonGenerator json = EventMessage.JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("data", data);
            json.writeStringField("metadata", metadata);
            json.writeStringField("published_at", publishedAt.toString());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /** The message, or empty when its body is not a pub/sub message (someone else published on the subject). */
    static Optional<PubSubMessage> decode(Message message) {
        String subject = message.getSubject().startsWith(PREFIX)
                ? message.getSubject().substring(PREFIX.length()) : message.getSubject();
        String data = null;
        String metadata = "";
        Instant publishedAt = Instant.EPOCH;
        try (JsonParser parser = EventMessage.JSON.createParser(message.getData())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value != JsonToken.VALUE_STRING) {
                    parser.skipChildren();
                    continue;
                }
                switch (field) {
                    case "data" -> data = parser.getText();
                    case "metadata" -> metadata = parser.getText();
                    case "published_at" -> publishedAt = Instant.parse(parser.getText());
                    default -> { }
                }
            }
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty();
        }
        return data == null ? Optional.empty() : Optional.of(new PubSubMessage(subject, data, metadata, publishedAt));
    }
}
