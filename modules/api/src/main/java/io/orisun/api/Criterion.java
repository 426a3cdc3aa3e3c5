package io.orisun.api;

import java.util.List;

/** A conjunction of tags: an event matches when every tag matches. A criterion without tags matches everything. */
public record Criterion(List<Tag> tags) {

    public Criterion {
        tags = List.copyOf(tags);
    }

    public static Criterion of(Tag... tags) {
        return new Criterion(List.of(tags));
    }
}
