package io.orisun.client;

import java.util.List;

/** Tags that must all match (AND). */
public record Criterion(List<Tag> tags) {

    /** Copies {@code tags}, which may not be empty. */
    public Criterion {
        tags = List.copyOf(tags);
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("a criterion needs at least one tag");
        }
    }

    /** The criterion that matches events carrying every one of {@code tags}. */
    public static Criterion of(Tag... tags) {
        return new Criterion(List.of(tags));
    }

    /** The criterion {@code key = value}. */
    public static Criterion of(String key, String value) {
        return of(Tag.of(key, value));
    }
}
