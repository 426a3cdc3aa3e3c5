package io.orisun.server;

/** How long each step of start-up took, for the log line that ends it. */
final class StartupPhases {

    private final StringBuilder text = new StringBuilder();
    private long last;

    StartupPhases(long started) {
        this.last = started;
    }

    void mark(String phase) {
        long now = System.nanoTime();
        text.append(text.isEmpty() ? "" : ", ").append(phase).append(' ').append((now - last) / 1_000_000);
        last = now;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
