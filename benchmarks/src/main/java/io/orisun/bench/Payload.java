package io.orisun.bench;

/**
 * The events the tool writes: type {@link #EVENT_TYPE}, metadata {@code {}}, and data a JSON object
 * {@code {"benchmark_context":"<context>","pad":"xxx..."}} padded to {@code bytes} bytes (it cannot be shorter
 * than the object without padding). The gRPC scenarios and the JDBC baseline write exactly these texts.
 */
record Payload(int bytes) {

    /** The payload key that conditional saves and reads filter on, and that {@code --create-index} indexes. */
    static final String CONTEXT_KEY = "benchmark_context";
    static final String EVENT_TYPE = "BenchmarkEvent";
    static final String METADATA = "{}";

    private static final String HEAD = "{\"" + CONTEXT_KEY + "\":\"";
    private static final String PAD_OPEN = "\",\"pad\":\"";
    private static final String CLOSE = "\"}";
    private static final String PADDING = "x".repeat(64 * 1024);

    Payload {
        if (bytes < 0 || bytes > PADDING.length()) {
            throw new IllegalArgumentException("payload size must be between 0 and " + PADDING.length() + " bytes");
        }
    }

    /** The data text for {@code context}, which must be plain ASCII without quotes or backslashes. */
    String data(String context) {
        int bare = HEAD.length() + context.length() + PAD_OPEN.length() + CLOSE.length();
        int pad = bytes - bare;
        if (pad < 0) {
            return HEAD + context + CLOSE;
        }
        return new StringBuilder(bytes).append(HEAD).append(context).append(PAD_OPEN)
                .append(PADDING, 0, pad).append(CLOSE).toString();
    }
}
