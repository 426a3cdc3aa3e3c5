package io.orisun.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How much work one request may ask of the server. The size limits bound what a request carries (criteria, tags,
 * events and their bytes), so that the work a save, a read or a subscription filter causes is bounded before any
 * SQL runs; the budgets bound how long that work may hold shared resources. Each limit has its own setting, named
 * in every refusal so that the caller knows what to raise.
 *
 * <p>The checks cost time linear in the size of the request, stop at the first limit exceeded, and throw
 * {@link InvalidRequest} with a message that names the limit, its value and its setting, for example
 * {@code query has 1025 criteria; the limit is 1024 (ORISUN_LIMIT_CRITERIA)}. Lengths of keys and values are
 * counted in Unicode code points; data and metadata in bytes of their UTF-8 encoding.
 *
 * @param criteria           most criteria in one query (of a read, a subscription or a save's condition)
 * @param tagsPerCriterion   most tags in one criterion
 * @param tagKeyLength       longest tag key (and index key), in characters; at most {@link JsonKey#MAX_LENGTH}
 * @param tagValueLength     longest tag value (and index condition value), in characters
 * @param eventsPerSave      most events in one save
 * @param eventDataBytes     largest data of one event (or pub/sub message), in UTF-8 bytes
 * @param eventMetadataBytes largest metadata of one event (or pub/sub message), in UTF-8 bytes
 * @param writeBudget        longest time one request may keep a boundary's writers waiting
 * @param readBudget         longest time one read statement may run
 */
public record RequestLimits(int criteria, int tagsPerCriterion, int tagKeyLength, int tagValueLength, int eventsPerSave,
                            int eventDataBytes, int eventMetadataBytes, Duration writeBudget, Duration readBudget) {

    /** Each size limit and the setting that raises it. */
    public enum Limit {
        CRITERIA("ORISUN_LIMIT_CRITERIA"),
        TAGS("ORISUN_LIMIT_TAGS"),
        TAG_KEY_LENGTH("ORISUN_LIMIT_TAG_KEY_LENGTH"),
        TAG_VALUE_LENGTH("ORISUN_LIMIT_TAG_VALUE_LENGTH"),
        EVENTS_PER_SAVE("ORISUN_LIMIT_EVENTS_PER_SAVE"),
        EVENT_DATA_BYTES("ORISUN_LIMIT_EVENT_DATA_BYTES"),
        EVENT_METADATA_BYTES("ORISUN_LIMIT_EVENT_METADATA_BYTES");

        private final String setting;

        Limit(String setting) {
            this.setting = setting;
        }

        /** The environment variable that sets this limit. */
        public String setting() {
            return setting;
        }
    }

    /**
     * The most tags one query may carry in all, {@link #criteria()} times {@link #tagsPerCriterion()}: a read binds
     * one parameter per tag, and PostgreSQL takes at most 65,535 per statement; the rest is headroom for the others.
     */
    public static final long MAX_TAGS_PER_QUERY = 65_000;

    /** The defaults: generous for every known client and example, small enough to keep one request's cost bounded. */
    public static final RequestLimits DEFAULTS = new RequestLimits(1024, 32, 256, 4096, 10_000, 2_097_152, 65_536,
            Duration.ofSeconds(2), Duration.ofSeconds(10));

    /**
     * @throws IllegalArgumentException when a limit or budget is not positive, the key length is above the ceiling,
     *                                  or a query could carry more than {@link #MAX_TAGS_PER_QUERY} tags
     */
    public RequestLimits {
        if (criteria < 1 || tagsPerCriterion < 1 || tagKeyLength < 1 || tagValueLength < 1 || eventsPerSave < 1
                || eventDataBytes < 1 || eventMetadataBytes < 1) {
            throw new IllegalArgumentException("request limits must be positive");
        }
        if ((long) criteria * tagsPerCriterion > MAX_TAGS_PER_QUERY) {
            throw new IllegalArgumentException("criteria times tags per criterion is above " + MAX_TAGS_PER_QUERY);
        }
        if (tagKeyLength > JsonKey.MAX_LENGTH) {
            throw new IllegalArgumentException("the tag key length limit is above " + JsonKey.MAX_LENGTH);
        }
        Objects.requireNonNull(writeBudget, "writeBudget");
        Objects.requireNonNull(readBudget, "readBudget");
        if (!writeBudget.isPositive() || !readBudget.isPositive()) {
            throw new IllegalArgumentException("the write and read budgets must be positive");
        }
    }

    /**
     * Checks the criteria of a read, a subscription, a latest-by-criteria lookup or a save's condition.
     *
     * @throws InvalidRequest naming the first limit the query exceeds
     */
    public void check(Query query) {
        List<Criterion> all = query.criteria();
        if (all.size() > criteria) {
            throw exceeded("query has " + all.size() + " criteria", criteria, Limit.CRITERIA);
        }
        for (int i = 0; i < all.size(); i++) {
            List<Tag> tags = all.get(i).tags();
            if (tags.size() > tagsPerCriterion) {
                throw exceeded("criteria[" + i + "] has " + tags.size() + " tags", tagsPerCriterion, Limit.TAGS);
            }
            for (int t = 0; t < tags.size(); t++) {
                Tag tag = tags.get(t);
                checkKey("criteria[" + i + "].tags[" + t + "]", tag.key());
                checkValue("criteria[" + i + "].tags[" + t + "]", tag.value());
            }
        }
    }

    /**
     * Checks a save: the number of events, each event's data and metadata, and the criteria of its condition.
     *
     * @throws InvalidRequest naming the first limit the save exceeds
     */
    public void check(SaveRequest save) {
        List<EventToSave> events = save.events();
        if (events.size() > eventsPerSave) {
            throw exceeded("the save has " + events.size() + " events", eventsPerSave, Limit.EVENTS_PER_SAVE);
        }
        for (int i = 0; i < events.size(); i++) {
            checkPayload("events[" + i + "]", events.get(i).data(), events.get(i).metadata());
        }
        if (save.condition() instanceof AppendCondition.ContextUnchanged condition) {
            check(condition.query());
        }
    }

    /**
     * Checks the data and metadata of one event or message against the event limits.
     *
     * @param what names the event or message in the refusal, such as {@code events[3]}
     * @throws InvalidRequest when either is larger than its limit
     */
    public void checkPayload(String what, String data, String metadata) {
        long dataBytes = utf8Length(data, eventDataBytes);
        if (dataBytes > eventDataBytes) {
            throw exceeded(what + " has " + dataBytes + " bytes of data", eventDataBytes, Limit.EVENT_DATA_BYTES);
        }
        long metadataBytes = utf8Length(metadata, eventMetadataBytes);
        if (metadataBytes > eventMetadataBytes) {
            throw exceeded(what + " has " + metadataBytes + " bytes of metadata", eventMetadataBytes,
                    Limit.EVENT_METADATA_BYTES);
        }
    }

    /**
     * Checks one key, of a tag or of an index field or condition.
     *
     * @param what names the key's owner in the refusal, such as {@code fields[0]}
     * @throws InvalidRequest when the key is longer than {@link #tagKeyLength()}
     */
    public void checkKey(String what, String key) {
        int length = characters(key, tagKeyLength);
        if (length > tagKeyLength) {
            throw exceeded(what + " has a key of " + length + " characters", tagKeyLength, Limit.TAG_KEY_LENGTH);
        }
    }

    /**
     * Checks one value, of a tag or of an index condition.
     *
     * @param what names the value's owner in the refusal, such as {@code conditions[0]}
     * @throws InvalidRequest when the value is longer than {@link #tagValueLength()}
     */
    public void checkValue(String what, String value) {
        int length = characters(value, tagValueLength);
        if (length > tagValueLength) {
            throw exceeded(what + " has a value of " + length + " characters", tagValueLength, Limit.TAG_VALUE_LENGTH);
        }
    }

    private static InvalidRequest exceeded(String what, int limit, Limit kind) {
        return new InvalidRequest(what + "; the limit is " + limit + " (" + kind.setting() + ")");
    }

    /** The code points of {@code text}, counted only when its UTF-16 length leaves a doubt about {@code limit}. */
    private static int characters(String text, int limit) {
        return text.length() <= limit ? text.length() : text.codePointCount(0, text.length());
    }

    /**
     * The UTF-8 length of {@code text}, or, when it certainly fits {@code limit}, a smaller number: a UTF-16 unit
     * takes at most three bytes (a surrogate pair four), so short texts need no counting.
     */
    static long utf8Length(String text, int limit) {
        return 3L * text.length() <= limit ? text.length() : utf8Length(text);
    }

    /**
     * The length of {@code text} in UTF-8 bytes, counted without encoding it: one to three bytes a UTF-16 unit, four
     * a surrogate pair. An unpaired surrogate counts three bytes, the most any encoder writes for it.
     */
    public static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
