package io.orisun.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import io.orisun.api.Criterion;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.Query;
import io.orisun.api.Tag;
import io.orisun.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Compares the Java matcher with PostgreSQL on generated payloads: numbers in every notation, strings with escapes
 * and non-ASCII text, strings that look like numbers or booleans, nulls, duplicate keys (also spelled with escapes),
 * nested containers, and random whitespace.
 */
class JsonbMatchingIT {

    private static final long SEED = 20_261_123L;
    private static final int PAYLOADS = 1500;

    /** Keys as JSON source text and as decoded text; some spell the same key differently. */
    private static final String[][] KEYS = {
            {"a", "a"}, {"\\u0061", "a"}, {"b", "b"}, {"n", "n"}, {"amount", "amount"}, {"flag", "flag"},
            {"eventType", "eventType"}, {"event_type", "event_type"}, {"\u00e9", "\u00e9"}, {"\\u00e9", "\u00e9"},
            {"key with space", "key with space"}, {"q\\\"uote", "q\"uote"}, {"x.y", "x.y"}, {"A", "A"}, {"aa", "aa"},
            {"nested", "nested"}, {"list", "list"}};

    private static final String[] STRING_PIECES = {
            "x", "hello", " ", "1.0", "100", "true", "null", "-0", "\u00e9", "\\u00e9", "\\n", "\\t", "\\\"", "\\\\",
            "\\/", "\\u0001", "\\u001F", "\\uD83D\\uDE00", "\uD83D\uDE00", "\u65e5\u672c", "'", "{}", "[1]"};

    private final Random random = new Random(SEED);

    @Test
    void extracted_field_texts_equal_postgresql_data_arrow_text_for_raw_and_stored_payloads() throws Exception {
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < PAYLOADS; i++) {
            payloads.add(object(0));
        }
        String[] keys = new String[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            keys[i] = KEYS[i][1];
        }
        PostgresFixture.Database database = PostgresFixture.shared().newDatabase();
        try (Connection connection = database.connect()) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE TABLE payload (id int PRIMARY KEY, data jsonb NOT NULL)");
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO payload SELECT * FROM unnest(?::int[], ?::jsonb[])")) {
                Integer[] ids = new Integer[payloads.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = i;
                }
                insert.setArray(1, connection.createArrayOf("int4", ids));
                insert.setArray(2, connection.createArrayOf("text", payloads.toArray()));
                insert.executeUpdate();
            }
            Map<Integer, String> stored = new HashMap<>();
            int compared = 0;
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT p.id, k.key, p.data ->> k.key, p.data::text
                      FROM payload p CROSS JOIN unnest(?::text[]) AS k(key)
                     ORDER BY p.id""")) {
                select.setArray(1, connection.createArrayOf("text", keys));
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        int id = rows.getInt(1);
                        String key = rows.getString(2);
                        String expected = rows.getString(3);
                        String canonical = rows.getString(4);
                        stored.put(id, canonical);
                        String raw = payloads.get(id);
                        assertThat(JsonbText.topLevelFields(raw).get(key))
                                .as("->> '%s' of raw payload %s (seed %d)", key, raw, SEED).isEqualTo(expected);
                        assertThat(JsonbText.topLevelFields(canonical).get(key))
                                .as("->> '%s' of stored payload %s (seed %d)", key, canonical, SEED).isEqualTo(expected);
                        compared++;
                    }
                }
            }
            assertThat(compared).isEqualTo(PAYLOADS * KEYS.length);
            // The whole-document text as well, which exercises ordering, duplicates and escaping at every level.
            for (Map.Entry<Integer, String> entry : stored.entrySet()) {
                String raw = payloads.get(entry.getKey());
                try (JsonParser parser = EventMessage.JSON.createParser(raw)) {
                    assertThat(JsonbText.canonical(parser, parser.nextToken()))
                            .as("jsonb text of %s (seed %d)", raw, SEED).isEqualTo(entry.getValue());
                }
            }
        }
    }

    @Test
    void the_matcher_selects_exactly_the_events_that_the_event_log_query_selects() {
        try (DeliveryFixture fixture = new DeliveryFixture(DeliveryFixture.boundary("matching"))) {
            List<String> raw = new ArrayList<>();
            List<EventToSave> batch = new ArrayList<>();
            String[] types = {"Deposited", "Withdrawn", "1.0", "true"};
            for (int i = 0; i < PAYLOADS; i++) {
                String payload = object(0);
                raw.add(payload);
                batch.add(DeliveryFixture.event("p" + i, types[random.nextInt(types.length)], payload));
                if (batch.size() == 100) {
                    fixture.append("matching", batch);
                    batch = new ArrayList<>();
                }
            }
            List<Event> events = fixture.all("matching", Query.all());
            assertThat(events).hasSize(PAYLOADS);
            List<FeedEvent> stored = events.stream().map(FeedEvent::new).toList();
            List<FeedEvent> asSent = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                asSent.add(new FeedEvent(new Event(e.eventId(), e.eventType(), raw.get(i), e.metadata(), e.position(),
                        e.dateCreated())));
            }
            int nonEmpty = 0;
            for (int q = 0; q < 300; q++) {
                Query query = randomQuery(stored, types);
                List<Long> expected = fixture.all("matching", query).stream().map(e -> e.position().globalId()).toList();
                EventMatcher matcher = EventMatcher.of(query);
                assertThat(stored.stream().filter(matcher::matches).map(FeedEvent::globalId).toList())
                        .as("stored payloads matching %s (seed %d)", query, SEED).isEqualTo(expected);
                assertThat(asSent.stream().filter(matcher::matches).map(FeedEvent::globalId).toList())
                        .as("payloads as sent matching %s (seed %d)", query, SEED).isEqualTo(expected);
                if (!expected.isEmpty()) {
                    nonEmpty++;
                }
            }
            assertThat(nonEmpty).as("queries that matched something").isGreaterThan(100);
        }
    }

    private Query randomQuery(List<FeedEvent> events, String[] types) {
        List<Criterion> criteria = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int c = 0; c < count; c++) {
            List<Tag> tags = new ArrayList<>();
            int tagCount = 1 + random.nextInt(2);
            for (int t = 0; t < tagCount; t++) {
                if (random.nextInt(5) == 0) {
                    tags.add(Tag.of(random.nextBoolean() ? "eventType" : "event_type", types[random.nextInt(types.length)]));
                    continue;
                }
                // Values taken from real payloads, so that queries match; sometimes a near miss.
                FeedEvent sample = events.get(random.nextInt(events.size()));
                List<Map.Entry<String, String>> fields = new ArrayList<>(sample.fields().entrySet());
                if (fields.isEmpty()) {
                    tags.add(Tag.of("a", "x"));
                    continue;
                }
                Map.Entry<String, String> field = fields.get(random.nextInt(fields.size()));
                String value = field.getValue();
                if (random.nextInt(6) == 0) {
                    value = value + "0";
                }
                tags.add(Tag.of(field.getKey(), value));
            }
            criteria.add(new Criterion(tags));
        }
        return new Query(criteria);
    }

    private String object(int depth) {
        StringBuilder out = new StringBuilder();
        out.append(space()).append('{');
        int members = random.nextInt(depth == 0 ? 7 : 4);
        for (int i = 0; i < members; i++) {
            if (i > 0) {
                out.append(',');
            }
            String[] key = KEYS[random.nextInt(depth == 0 ? KEYS.length : 6)];
            out.append(space()).append('"').append(key[0]).append('"').append(space()).append(':')
                    .append(value(depth)).append(space());
        }
        return out.append('}').append(space()).toString();
    }

    private String value(int depth) {
        int kind = random.nextInt(depth < 2 ? 10 : 7);
        String value = switch (kind) {
            case 0, 1, 2 -> string();
            case 3, 4 -> number();
            case 5 -> random.nextBoolean() ? "true" : "false";
            case 6 -> "null";
            case 7 -> array(depth + 1);
            default -> object(depth + 1);
        };
        return space() + value;
    }

    private String array(int depth) {
        StringBuilder out = new StringBuilder("[");
        int elements = random.nextInt(4);
        for (int i = 0; i < elements; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(value(depth)).append(space());
        }
        return out.append(']').toString();
    }

    private String string() {
        StringBuilder out = new StringBuilder("\"");
        int pieces = random.nextInt(4);
        for (int i = 0; i < pieces; i++) {
            out.append(STRING_PIECES[random.nextInt(STRING_PIECES.length)]);
        }
        return out.append('"').toString();
    }

    private String number() {
        StringBuilder out = new StringBuilder();
        if (random.nextInt(3) == 0) {
            out.append('-');
        }
        if (random.nextInt(3) == 0) {
            out.append('0');
        } else {
            out.append(1 + random.nextInt(9));
            int digits = random.nextInt(random.nextInt(5) == 0 ? 25 : 4);
            for (int i = 0; i < digits; i++) {
                out.append(random.nextInt(10));
            }
        }
        if (random.nextBoolean()) {
            out.append('.');
            int digits = 1 + random.nextInt(4);
            for (int i = 0; i < digits; i++) {
                out.append(random.nextInt(3) == 0 ? 0 : random.nextInt(10));
            }
        }
        if (random.nextInt(3) == 0) {
            out.append(random.nextBoolean() ? 'e' : 'E');
            int sign = random.nextInt(3);
            out.append(sign == 0 ? "" : sign == 1 ? "+" : "-");
            if (random.nextBoolean()) {
                out.append('0');
            }
            out.append(random.nextInt(25));
        }
        return out.toString();
    }

    private String space() {
        return switch (random.nextInt(8)) {
            case 0 -> " ";
            case 1 -> "\n";
            case 2 -> "\t ";
            default -> "";
        };
    }
}
