package io.orisun.client;

/** An event of a stream with its version in that stream (0 for the first). */
public record StreamEvent(String streamId, long version, Event event) {
}
