package io.orisun.client;

/**
 * Turns a value into the JSON object text of an event's payload and back, with whatever JSON library the
 * application uses. The client itself never parses payloads.
 *
 * @param <T> the type of the payload
 */
public interface JsonCodec<T> {

    /** The JSON object text of {@code value}. */
    String encode(T value);

    /** The value that {@code json} (a JSON object) holds. */
    T decode(String json);
}
