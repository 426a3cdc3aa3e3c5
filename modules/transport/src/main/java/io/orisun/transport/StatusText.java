package io.orisun.transport;

import java.nio.charset.StandardCharsets;

/**
 * A status description as it goes into the {@code grpc-message} trailer. The gRPC spec asks for percent-encoding
 * there: every byte of the UTF-8 text outside 0x20 to 0x7E, and {@code %} itself, becomes {@code %XX}. Helidon 4.5
 * writes the description as it is, and clients that check the trailer (grpc-js) drop one with other bytes and show
 * an empty message. Before the encoding, a description longer than {@link #MAX_LENGTH} characters is cut, and
 * control and non-ASCII characters are escaped Java-style: the input a message echoes is already cut and escaped
 * where it is quoted ({@link io.orisun.api.OrisunException#echo}), and this holds the same for any text that was
 * not, so that every client shows the same readable message.
 */
final class StatusText {

    /** The longest description sent, in characters. */
    static final int MAX_LENGTH = 1024;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private StatusText() {
    }

    /** {@code description} cut, escaped and percent-encoded for the {@code grpc-message} trailer. */
    static String forWire(String description) {
        return percentEncoded(readable(description));
    }

    /** {@code text} cut to {@link #MAX_LENGTH} characters, with control and non-ASCII characters escaped. */
    static String readable(String text) {
        boolean cut = text.length() > MAX_LENGTH;
        String kept = cut ? text.substring(0, MAX_LENGTH) : text;
        StringBuilder out = null;
        for (int i = 0; i < kept.length(); i++) {
            char c = kept.charAt(i);
            boolean plain = c >= 0x20 && c <= 0x7E;
            if (!plain && out == null) {
                out = new StringBuilder(kept.length() + 16).append(kept, 0, i);
            }
            if (out != null) {
                if (plain) {
                    out.append(c);
                } else {
                    out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                            .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                }
            }
        }
        String readable = out == null ? kept : out.toString();
        return cut ? readable + "..." : readable;
    }

    /** {@code text} percent-encoded as the gRPC spec asks for {@code grpc-message}. */
    static String percentEncoded(String text) {
        boolean plain = true;
        for (int i = 0; i < text.length() && plain; i++) {
            char c = text.charAt(i);
            plain = c >= 0x20 && c <= 0x7E && c != '%';
        }
        if (plain) {
            return text;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int unsigned = b & 0xFF;
            if (unsigned >= 0x20 && unsigned <= 0x7E && unsigned != '%') {
                out.append((char) unsigned);
            } else {
                out.append('%').append(HEX[unsigned >> 4]).append(HEX[unsigned & 0xF]);
            }
        }
        return out.toString();
    }
}
