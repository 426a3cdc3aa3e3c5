package io.orisun.client;

import java.util.regex.Pattern;

/**
 * How streams live in the event log: each event of a stream carries two reserved payload fields, the stream id
 * (a tag, so that the stream is a query) and its version in the stream. Stream ids are restricted to characters
 * that need no escaping in JSON.
 */
final class StreamTags {

    static final String STREAM_ID = "orisun_stream_id";
    static final String VERSION = "orisun_stream_version";

    private static final Pattern STREAM_ID_FORM = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,200}");
    private static final Pattern VERSION_FIELD = Pattern.compile("\"" + VERSION + "\"\\s*:\\s*(\\d+)");

    private StreamTags() {
    }

    static String validStreamId(String streamId) {
        if (streamId == null || !STREAM_ID_FORM.matcher(streamId).matches()) {
            throw new IllegalArgumentException("a stream id is 1 to 200 of A-Z a-z 0-9 . _ : @ / + = -, got "
                    + streamId);
        }
        return streamId;
    }

    static Query query(String streamId) {
        return Query.of(STREAM_ID, streamId);
    }

    /** {@code event} with the stream's fields added to its data; refuses data that already uses them. */
    static EventToSave stamp(EventToSave event, String streamId, long version) {
        String data = event.data();
        if (data.contains("\"" + STREAM_ID + "\"") || data.contains("\"" + VERSION + "\"")) {
            throw new IllegalArgumentException("the data of event " + event.eventId() + " uses the reserved fields "
                    + STREAM_ID + " or " + VERSION);
        }
        String rest = data.substring(1).strip();
        String fields = "{\"" + STREAM_ID + "\":\"" + streamId + "\",\"" + VERSION + "\":" + version;
        String stamped = rest.equals("}") ? fields + "}" : fields + "," + rest;
        return new EventToSave(event.eventId(), event.eventType(), stamped, event.metadata());
    }

    /** The stream version an event of a stream carries. */
    static long version(Event event) {
        var matcher = VERSION_FIELD.matcher(event.data());
        if (!matcher.find()) {
            throw new IllegalStateException("event " + event.eventId() + " at " + event.position()
                    + " has no " + VERSION + " field");
        }
        return Long.parseLong(matcher.group(1));
    }
}
