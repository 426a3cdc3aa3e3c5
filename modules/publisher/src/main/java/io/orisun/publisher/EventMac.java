package io.orisun.publisher;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.orisun.api.Position;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that proves an event message on NATS came from a publisher of this deployment. Every event message
 * carries, in the {@value #HEADER} header, an HMAC-SHA256 under this key over the boundary, the position in the
 * message's headers and the message body, which holds the event id, type, data, metadata, position and creation
 * time. The live feeds drop a message whose MAC is missing or wrong, so that a client with NATS credentials but
 * without the key cannot put an event before subscribers, nor move a real one to another boundary or position.
 * A replayed genuine message carries a genuine event for its own position, which subscribers may receive anyway.
 *
 * <p>Every node that publishes or follows the same streams must hold the same key.
 */
public final class EventMac {

    /** The header that carries the MAC, Base64 without padding. */
    static final String HEADER = "Orisun-Mac";
    /** The shortest key accepted, in bytes. */
    public static final int MIN_KEY_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final int TAG_BYTES = 32;

    private final SecretKeySpec key;

    private EventMac(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /**
     * @param key the shared key, at least {@value #MIN_KEY_BYTES} bytes
     * @throws IllegalArgumentException when the key is shorter
     */
    public static EventMac of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the event MAC key needs at least " + MIN_KEY_BYTES + " bytes");
        }
        return new EventMac(key);
    }

    /** A calculator for one thread at a time. */
    Calculator calculator() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return new Calculator(mac);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Never reveals the key. */
    @Override
    public String toString() {
        return "EventMac[****]";
    }

    /** Computes and checks MACs; it keeps state between calls, so one thread uses it at a time. */
    static final class Calculator {

        private final Mac mac;
        private final byte[] scratch = new byte[TAG_BYTES];
        private final byte[] position = new byte[2 * Long.BYTES + 1];

        private Calculator(Mac mac) {
            this.mac = mac;
        }

        /** The MAC of an event message, as it goes into the {@value #HEADER} header. */
        String tag(String boundary, Position at, byte[] body) {
            return Base64.getEncoder().withoutPadding().encodeToString(compute(boundary, at.transactionId(),
                    at.globalId(), body));
        }

        /**
         * Whether {@code message} carries a valid MAC for {@code boundary}: over the position named in its headers
         * and its body. The caller must still check that the body's position is the headers' one.
         */
        boolean verify(String boundary, Message message) {
            Headers headers = message.getHeaders();
            if (headers == null) {
                return false;
            }
            String tag = headers.getFirst(HEADER);
            String transactionId = headers.getFirst(EventMessage.TRANSACTION_ID);
            String globalId = headers.getFirst(EventMessage.GLOBAL_ID);
            if (tag == null || transactionId == null || globalId == null) {
                return false;
            }
            byte[] claimed;
            long tx;
            long gid;
            try {
                claimed = Base64.getDecoder().decode(tag);
                tx = Long.parseLong(transactionId);
                gid = Long.parseLong(globalId);
            } catch (IllegalArgumentException malformed) {
                return false;
            }
            byte[] body = message.getData();
            return MessageDigest.isEqual(claimed, compute(boundary, tx, gid, body == null ? new byte[0] : body));
        }

        private byte[] compute(String boundary, long transactionId, long globalId, byte[] body) {
            // Boundary names cannot hold a NUL, so the byte after the name ends it; then two fixed-width numbers.
            mac.update(boundary.getBytes(StandardCharsets.UTF_8));
            position[0] = 0;
            putLong(position, 1, transactionId);
            putLong(position, 1 + Long.BYTES, globalId);
            mac.update(position);
            mac.update(body);
            try {
                mac.doFinal(scratch, 0);
            } catch (javax.crypto.ShortBufferException e) {
                throw new IllegalStateException("the buffer fits an HMAC-SHA256", e);
            }
            return scratch;
        }

        private static void putLong(byte[] into, int at, long value) {
            for (int i = Long.BYTES - 1; i >= 0; i--) {
                into[at + i] = (byte) value;
                value >>>= 8;
            }
        }
    }
}
