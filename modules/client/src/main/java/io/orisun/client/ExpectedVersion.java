package io.orisun.client;

/**
 * What an append to a stream expects of the stream. Versions count from 0: the first event of a stream has
 * version 0, so a stream with {@code n} events is at version {@code n - 1}.
 */
public sealed interface ExpectedVersion {

    /** The stream must have no event yet. */
    record NoStream() implements ExpectedVersion {
        @Override
        public String toString() {
            return "no stream";
        }
    }

    /** The stream's newest event must have version {@code version}. */
    record Exact(long version) implements ExpectedVersion {
        /** Rejects negative versions; use {@link NoStream} for an empty stream. */
        public Exact {
            if (version < 0) {
                throw new IllegalArgumentException("an exact version is 0 or more, got " + version
                        + "; use ExpectedVersion.noStream() for a stream without events");
            }
        }

        @Override
        public String toString() {
            return "version " + version;
        }
    }

    /** Whatever the stream's version; the events still get consecutive versions. */
    record Any() implements ExpectedVersion {
        @Override
        public String toString() {
            return "any version";
        }
    }

    /** The stream must not exist yet. */
    static ExpectedVersion noStream() {
        return new NoStream();
    }

    /** The stream must be at {@code version}. */
    static ExpectedVersion exact(long version) {
        return new Exact(version);
    }

    /** No expectation. */
    static ExpectedVersion any() {
        return new Any();
    }
}
