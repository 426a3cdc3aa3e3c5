package io.orisun.ccc;

import static io.orisun.ccc.LogUnderTest.boundary;
import static io.orisun.ccc.LogUnderTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.orisun.api.AlreadyExists;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.ConsistencyViolation;
import io.orisun.api.Criterion;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventToSave;
import io.orisun.api.InvalidRequest;
import io.orisun.api.LatestByCriteria;
import io.orisun.api.NotFound;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.api.Tag;
import io.orisun.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The event log's contract, through its public API, on a real PostgreSQL. Each test uses boundaries of its own. */
class EventLogIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LogUnderTest db;

    @BeforeAll
    static void start() {
        List<BoundarySpec> specs = new ArrayList<>();
        for (String name : List.of("basics", "paging", "conflicts", "whole", "criteria", "json", "rejects", "latest",
                "latest_empty", "replay", "changed", "hostile", "counting")) {
            specs.add(boundary(name, "public"));
        }
        db = new LogUnderTest(specs.toArray(BoundarySpec[]::new));
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    private static Query where(String key, String value) {
        return Query.of(Criterion.of(Tag.of(key, value)));
    }

    private static ReadRequest read(String boundary, ReadStart start, Direction direction, int count) {
        return new ReadRequest(boundary, Query.all(), start, direction, count);
    }

    private static List<Position> positions(List<Event> events) {
        return events.stream().map(Event::position).toList();
    }

    @Test
    void a_moved_boundary_is_saved_to_and_read_from_its_new_database_from_then_on() throws Exception {
        PostgresFixture.Database first = PostgresFixture.shared().newDatabase();
        PostgresFixture.Database second = PostgresFixture.shared().newDatabase();
        try (HikariDataSource from = first.pool(2); HikariDataSource to = second.pool(2)) {
            BoundarySpec moving = boundary("moving_log", "public").onServer("first");
            BoundarySchema.apply(from, moving);
            BoundarySchema.apply(to, moving);
            db.log.addBoundary(moving, from, from);
            db.append("moving_log", event("m-1", "Placed", "{}"));

            db.log.moveBoundary(moving.onServer("second"), to, to);
            db.append("moving_log", event("m-2", "Placed", "{}"));

            assertThat(db.readAll("moving_log")).as("read from the new database, which the copy has not reached")
                    .extracting(Event::eventId).containsExactly("m-2");
            try (Connection c = from.getConnection(); Statement s = c.createStatement();
                 ResultSet row = s.executeQuery("SELECT string_agg(event_id, ',') FROM moving_log_orisun_es_event")) {
                row.next();
                assertThat(row.getString(1)).as("the old database keeps what it had").isEqualTo("m-1");
            }
            assertThatThrownBy(() -> db.log.moveBoundary(boundary("moving_log", "elsewhere"), to, to))
                    .isInstanceOf(AlreadyExists.class);
            assertThatThrownBy(() -> db.log.moveBoundary(boundary("never_added", "public"), to, to))
                    .isInstanceOf(NotFound.class);
        }
    }

    @Test
    void a_boundary_added_with_another_databases_pools_is_saved_to_and_read_from_that_database_only()
            throws Exception {
        PostgresFixture.Database other = PostgresFixture.shared().newDatabase();
        try (HikariDataSource otherWrites = other.pool(2); HikariDataSource otherReads = other.pool(2)) {
            BoundarySpec elsewhere = boundary("elsewhere", "public").onServer("other");
            BoundarySchema.apply(otherWrites, elsewhere);
            db.log.addBoundary(elsewhere, otherWrites, otherReads);

            db.append("elsewhere", event("x-1", "Placed", "{}"), event("x-2", "Placed", "{}"));

            assertThat(db.readAll("elsewhere")).extracting(Event::eventId).containsExactly("x-1", "x-2");
            assertThat(db.log.count("elsewhere")).isEqualTo(2);
            try (Connection c = otherReads.getConnection(); Statement s = c.createStatement();
                 ResultSet row = s.executeQuery("SELECT count(*) FROM elsewhere_orisun_es_event")) {
                row.next();
                assertThat(row.getLong(1)).isEqualTo(2);
            }
            try (Connection c = db.reads.getConnection(); Statement s = c.createStatement();
                 ResultSet row = s.executeQuery("SELECT to_regclass('elsewhere_orisun_es_event') IS NULL")) {
                row.next();
                assertThat(row.getBoolean(1)).as("no table of the boundary in the log's own database").isTrue();
            }
        }
    }

    @Test
    void saves_two_events_and_reads_them_back_in_ascending_order() throws Exception {
        SaveResult saved = db.append("basics",
                new EventToSave("e-1", "First", "{\"n\": 1}", "{\"by\": \"test\"}"),
                new EventToSave("e-2", "Second", "{\"n\": 2}", ""));

        assertThat(saved.first()).isEqualTo(new Position(2, 0));
        assertThat(saved.last()).isEqualTo(new Position(2, 1));
        assertThat(saved.replayed()).isFalse();
        List<Event> events = db.readAll("basics");
        assertThat(events).extracting(Event::eventId).containsExactly("e-1", "e-2");
        assertThat(events).extracting(Event::eventType).containsExactly("First", "Second");
        assertThat(positions(events)).containsExactly(new Position(2, 0), new Position(2, 1));
        assertThat(JSON.readTree(events.get(0).data())).isEqualTo(JSON.readTree("{\"n\": 1}"));
        assertThat(JSON.readTree(events.get(0).metadata())).isEqualTo(JSON.readTree("{\"by\": \"test\"}"));
        assertThat(events.get(1).metadata()).as("blank metadata is stored as an empty object").isEqualTo("{}");
        assertThat(events.get(0).dateCreated()).isNotNull();

        SaveResult next = db.append("basics", event("e-3", "Third", "{}"));
        assertThat(next.first()).isEqualTo(new Position(3, 2));
        assertThat(next.last()).isEqualTo(new Position(3, 2));
        assertThat(positions(db.readAll("basics")))
                .containsExactly(new Position(2, 0), new Position(2, 1), new Position(3, 2));
    }

    @Test
    void a_descending_read_is_the_exact_reverse_of_an_ascending_read_and_paging_has_no_gap_or_repeat() {
        int id = 0;
        for (int size : new int[] {1, 3, 2, 1, 4, 1}) {
            List<EventToSave> events = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                events.add(event("p-" + id++, "Paged", "{}"));
            }
            db.log.save(new SaveRequest("paging", AppendCondition.none(), events));
        }
        List<Event> ascending = db.log.read(read("paging", ReadStart.edge(), Direction.ASC, 100));
        List<Event> descending = db.log.read(read("paging", ReadStart.edge(), Direction.DESC, 100));
        assertThat(ascending).hasSize(12);
        assertThat(ascending.stream().map(Event::position).map(Position::globalId).toList())
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(descending).isEqualTo(ascending.reversed());

        List<Event> pagedAfter = new ArrayList<>();
        ReadStart start = ReadStart.edge();
        for (List<Event> page = db.log.read(read("paging", start, Direction.ASC, 5)); !page.isEmpty();
             page = db.log.read(read("paging", ReadStart.after(page.getLast().position()), Direction.ASC, 5))) {
            pagedAfter.addAll(page);
        }
        assertThat(pagedAfter).isEqualTo(ascending);

        // "from" includes its position, so each page after the first starts with the last event of the previous one.
        List<Event> pagedFrom = new ArrayList<>(db.log.read(read("paging", ReadStart.edge(), Direction.ASC, 5)));
        while (true) {
            List<Event> page = db.log.read(read("paging", ReadStart.from(pagedFrom.getLast().position()),
                    Direction.ASC, 5));
            assertThat(page.getFirst()).isEqualTo(pagedFrom.getLast());
            if (page.size() == 1) {
                break;
            }
            pagedFrom.addAll(page.subList(1, page.size()));
        }
        assertThat(pagedFrom).isEqualTo(ascending);

        List<Event> pagedDown = new ArrayList<>();
        for (List<Event> page = db.log.read(read("paging", ReadStart.edge(), Direction.DESC, 4)); !page.isEmpty();
             page = db.log.read(read("paging", ReadStart.after(page.getLast().position()), Direction.DESC, 4))) {
            pagedDown.addAll(page);
        }
        assertThat(pagedDown).isEqualTo(descending);

        Position middle = ascending.get(5).position();
        assertThat(db.log.read(read("paging", ReadStart.from(middle), Direction.DESC, 100)))
                .isEqualTo(ascending.subList(0, 6).reversed());
        assertThat(db.log.read(read("paging", ReadStart.after(middle), Direction.DESC, 100)))
                .isEqualTo(ascending.subList(0, 5).reversed());
        assertThat(db.log.read(read("paging", ReadStart.from(Position.NONE), Direction.ASC, 100))).isEqualTo(ascending);
    }

    @Test
    void rejects_a_save_whose_context_gained_an_event_with_the_exact_message_and_the_actual_position() {
        Query firsts = where("eventType", "First");
        SaveResult first = db.appendIf("conflicts", firsts, Position.NONE, event("c-1", "First", "{}"));
        assertThat(first.last()).isEqualTo(new Position(1, 0));

        assertThatThrownBy(() -> db.appendIf("conflicts", firsts, Position.NONE, event("c-2", "First", "{}")))
                .isInstanceOfSatisfying(ConsistencyViolation.class, violation -> {
                    assertThat(violation.expected()).isEqualTo(Position.NONE);
                    assertThat(violation.actual()).isEqualTo(new Position(1, 0));
                })
                .hasMessage("OptimisticConcurrencyException:StreamVersionConflict: Expected (-1, -1), Actual (1, 0);"
                        + " versions: Expected 0, Actual 1");

        // An event outside the context does not move it; the caller who read (1, 0) may append.
        db.append("conflicts", event("c-3", "Other", "{}"));
        SaveResult second = db.appendIf("conflicts", firsts, new Position(1, 0), event("c-4", "First", "{}"));
        assertThat(second.last()).isEqualTo(new Position(3, 2));
        assertThat(db.log.count("conflicts")).as("rejected saves write nothing").isEqualTo(3);
    }

    @Test
    void a_condition_without_tags_covers_the_whole_boundary() {
        Query everything = Query.of(Criterion.of());
        db.appendIf("whole", everything, Position.NONE, event("w-1", "A", "{}"));
        db.append("whole", event("w-2", "B", "{\"unrelated\": true}"));

        assertThatThrownBy(() -> db.appendIf("whole", everything, new Position(1, 0), event("w-3", "C", "{}")))
                .isInstanceOfSatisfying(ConsistencyViolation.class,
                        violation -> assertThat(violation.actual()).isEqualTo(new Position(2, 1)));
        assertThat(db.appendIf("whole", Query.all(), new Position(2, 1), event("w-4", "C", "{}")).last())
                .isEqualTo(new Position(3, 2));
    }

    @Test
    void or_of_criteria_and_and_of_tags_select_the_same_events_in_reads_and_in_conditions() {
        db.append("criteria",
                event("k-0", "Paid", "{\"customer\": \"c1\", \"region\": \"north\"}"),
                event("k-1", "Paid", "{\"customer\": \"c2\", \"region\": \"north\"}"),
                event("k-2", "Refunded", "{\"customer\": \"c1\", \"region\": \"south\"}"),
                event("k-3", "Shipped", "{\"customer\": \"c3\"}"),
                event("k-4", "Paid", "{\"customer\": \"c1\", \"region\": \"south\"}"));
        Query query = Query.of(
                Criterion.of(Tag.of("customer", "c1"), Tag.of("region", "north")),
                Criterion.of(Tag.of("event_type", "Refunded")),
                Criterion.of(Tag.of("eventType", "Shipped"), Tag.of("customer", "c3")));

        List<Event> matching = db.readAll("criteria", query);
        assertThat(matching).extracting(Event::eventId).containsExactly("k-0", "k-2", "k-3");
        assertThat(db.log.read(new ReadRequest("criteria", query, ReadStart.edge(), Direction.DESC, 1)))
                .extracting(Event::eventId).containsExactly("k-3");

        // k-4 is newer but outside the query, so the context is still at k-3.
        Position contextHead = matching.getLast().position();
        assertThatThrownBy(() -> db.appendIf("criteria", query, matching.get(1).position(), event("k-5", "X", "{}")))
                .isInstanceOfSatisfying(ConsistencyViolation.class,
                        violation -> assertThat(violation.actual()).isEqualTo(contextHead));
        assertThat(db.appendIf("criteria", query, contextHead, event("k-5", "Paid", "{\"customer\": \"c2\"}"))
                .replayed()).isFalse();
    }

    @Test
    void tags_compare_the_text_of_numbers_booleans_nested_objects_and_unicode() throws Exception {
        String big = "x".repeat(1024 * 1024);
        db.append("json",
                event("j-num", "T", "{\"n\": 5, \"f\": 1.50}"),
                event("j-bool", "T", "{\"ok\": true}"),
                event("j-nested", "T", "{\"obj\": {\"a\": [1, 2]}, \"arr\": [\"x\"]}"),
                event("j-uni", "T", "{\"städt\": \"Zürich ✓ 日本 \uD83D\uDE00\"}"),
                event("j-big", "T", "{\"blob\": \"" + big + "\"}"));

        assertThat(db.readAll("json", where("n", "5"))).extracting(Event::eventId).containsExactly("j-num");
        assertThat(db.readAll("json", where("f", "1.50"))).extracting(Event::eventId).containsExactly("j-num");
        assertThat(db.readAll("json", where("ok", "true"))).extracting(Event::eventId).containsExactly("j-bool");
        assertThat(db.readAll("json", where("obj", "{\"a\": [1, 2]}"))).extracting(Event::eventId)
                .containsExactly("j-nested");
        assertThat(db.readAll("json", where("städt", "Zürich ✓ 日本 \uD83D\uDE00"))).extracting(Event::eventId)
                .containsExactly("j-uni");
        assertThat(db.readAll("json", where("n", "5.0"))).as("text comparison, not numeric").isEmpty();

        Event stored = db.readAll("json", where("eventType", "T")).getLast();
        assertThat(stored.eventId()).isEqualTo("j-big");
        assertThat(JSON.readTree(stored.data()).get("blob").asText()).isEqualTo(big);
        Event unicode = db.readAll("json", where("städt", "Zürich ✓ 日本 \uD83D\uDE00")).getFirst();
        assertThat(JSON.readTree(unicode.data()).get("städt").asText()).isEqualTo("Zürich ✓ 日本 \uD83D\uDE00");
    }

    @Test
    void rejects_data_or_metadata_that_is_not_one_json_object_naming_the_event() {
        for (String bad : List.of("[1, 2]", "\"text\"", "42", "true", "{\"a\": 1} {}", "{\"a\": ", "{'a': 1}")) {
            assertThatThrownBy(() -> db.append("rejects", event("r-0", "T", "{}"), event("r-1", "T", bad)))
                    .as(bad)
                    .isInstanceOf(InvalidRequest.class)
                    .hasMessageStartingWith("events[1].data ");
        }
        assertThatThrownBy(() -> db.append("rejects", new EventToSave("r-0", "T", "{}", "[]")))
                .isInstanceOf(InvalidRequest.class).hasMessage("events[0].metadata must be a JSON object");
        assertThatThrownBy(() -> db.append("rejects", event("r-0", "T", "{}"), event("r-1", "T", "[]")))
                .hasMessage("events[1].data must be a JSON object");
        assertThatThrownBy(() -> db.append("rejects", event("r-0", "T", "{\"a\": \"nul \\u0000 here\"}")))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("\\u0000");
        assertThatThrownBy(() -> db.append("rejects", event("r-0", "T", "{}"), event("r-0", "T", "{}")))
                .isInstanceOf(InvalidRequest.class).hasMessage("events[1].event_id repeats events[0].event_id");
        assertThat(db.log.count("rejects")).isZero();
    }

    @Test
    void latest_by_criteria_gives_the_newest_event_per_criterion_and_the_context_position() {
        List<Criterion> criteria = List.of(Criterion.of(Tag.of("k", "a")), Criterion.of(Tag.of("k", "b")));
        LatestByCriteria empty = db.log.latest("latest_empty", criteria);
        assertThat(empty.latest()).containsExactly(Optional.empty(), Optional.empty());
        assertThat(empty.contextPosition()).isEqualTo(Position.NONE);

        db.append("latest", event("A1", "T", "{\"k\": \"a\"}"));
        db.append("latest", event("B1", "T", "{\"k\": \"b\"}"));
        SaveResult a2 = db.append("latest", event("A2", "T", "{\"k\": \"a\"}"));
        db.append("latest", event("C1", "T", "{\"k\": \"c\"}"));

        LatestByCriteria latest = db.log.latest("latest", criteria);
        assertThat(latest.latest()).extracting(found -> found.map(Event::eventId).orElse("none"))
                .containsExactly("A2", "B1");
        assertThat(latest.contextPosition()).isEqualTo(a2.last());
        LatestByCriteria reordered = db.log.latest("latest",
                List.of(Criterion.of(Tag.of("k", "b")), Criterion.of(Tag.of("k", "zzz")), Criterion.of(Tag.of("k", "a"))));
        assertThat(reordered.latest()).extracting(found -> found.map(Event::eventId).orElse("none"))
                .containsExactly("B1", "none", "A2");

        assertThatThrownBy(() -> db.log.latest("latest", List.of(Criterion.of(Tag.of("k", "a")), Criterion.of())))
                .isInstanceOf(InvalidRequest.class).hasMessage("criteria[1] needs at least one tag");
        assertThatThrownBy(() -> db.log.latest("latest", List.of())).isInstanceOf(InvalidRequest.class);
    }

    @Test
    void a_repeated_save_returns_the_original_positions_without_writing_or_checking_again() {
        SaveRequest request = new SaveRequest("replay", AppendCondition.contextAt(where("eventType", "Made"),
                Position.NONE), List.of(
                new EventToSave("m-1", "Made", "{\"a\": 1, \"b\": [1, 2]}", "{\"trace\": \"t1\"}"),
                event("m-2", "Made", "{}")));
        SaveResult original = db.log.save(request);
        db.append("replay", event("m-3", "Other", "{}"));
        Position head = db.log.head("replay");

        // The repeat's condition no longer holds, and it does not matter: the save is already stored.
        SaveResult repeat = db.log.save(new SaveRequest("replay", request.condition(), List.of(
                new EventToSave("m-1", "Made", "{\"b\": [1, 2], \"a\": 1}", "{\"trace\": \"t1\"}"),
                event("m-2", "Made", ""))));

        assertThat(repeat.replayed()).isTrue();
        assertThat(repeat.first()).isEqualTo(original.first());
        assertThat(repeat.last()).isEqualTo(original.last());
        assertThat(db.log.count("replay")).isEqualTo(3);
        assertThat(db.log.head("replay")).isEqualTo(head);
    }

    @Test
    void a_repeat_with_different_content_or_only_part_of_a_save_is_already_exists() {
        db.append("changed", event("d-1", "T", "{\"v\": 1}"), event("d-2", "T", "{}"));

        assertThatThrownBy(() -> db.append("changed", event("d-1", "T", "{\"v\": 2}"), event("d-2", "T", "{}")))
                .isInstanceOf(AlreadyExists.class)
                .hasMessage("event_id d-1 already exists in boundary changed with different content");
        assertThatThrownBy(() -> db.append("changed", event("d-new", "T", "{}"), event("d-2", "T", "{}")))
                .isInstanceOf(AlreadyExists.class).hasMessageContaining("event_id d-2 ");
        assertThatThrownBy(() -> db.append("changed", event("d-2", "T", "{}"), event("d-1", "T", "{\"v\": 1}")))
                .as("same events in another order").isInstanceOf(AlreadyExists.class);
        assertThatThrownBy(() -> db.append("changed", event("d-1", "T", "{\"v\": 1}")))
                .as("part of a stored save").isInstanceOf(AlreadyExists.class);
        assertThatThrownBy(() -> db.append("changed", event("d-1", "U", "{\"v\": 1}"), event("d-2", "T", "{}")))
                .as("another type").isInstanceOf(AlreadyExists.class);
        assertThat(db.log.count("changed")).isEqualTo(2);
    }

    @Test
    void unknown_boundaries_are_not_found_and_invalid_names_never_reach_sql() {
        assertThatThrownBy(() -> db.append("nowhere", event("u-1", "T", "{}")))
                .isInstanceOf(NotFound.class).hasMessageContaining("nowhere");
        assertThatThrownBy(() -> db.log.count("nowhere")).isInstanceOf(NotFound.class).hasMessageContaining("nowhere");
        assertThatThrownBy(() -> db.log.read(read("nowhere", ReadStart.edge(), Direction.ASC, 1)))
                .isInstanceOf(NotFound.class);
        for (String invalid : List.of("bad-name", "x\"; DROP TABLE t; --", "", "9starts_with_digit")) {
            assertThatThrownBy(() -> db.log.head(invalid)).as(invalid).isInstanceOf(InvalidRequest.class);
            assertThatThrownBy(() -> db.append(invalid, event("u-1", "T", "{}"))).isInstanceOf(InvalidRequest.class);
        }
    }

    @Test
    void hostile_keys_and_values_are_plain_data() {
        db.append("hostile", event("h-1", "T", "{\"a' OR '1'='1\": \"x\", \"plain\": \"' OR 1=1 --\"}"));
        String table = BoundaryTables.of(boundary("hostile", "public")).events();

        assertThat(db.readAll("hostile", where("a' OR '1'='1", "x"))).extracting(Event::eventId).containsExactly("h-1");
        assertThat(db.readAll("hostile", where("x'); DROP TABLE " + table + "; --", "y"))).isEmpty();
        assertThat(db.readAll("hostile", where("plain", "' OR 1=1 --"))).hasSize(1);
        assertThat(db.readAll("hostile", where("plain", "x' OR '1'='1"))).isEmpty();
        // Read as SQL, this key would make the context match every event and the save conflict.
        assertThat(db.appendIf("hostile", where("x' IS NULL OR TRUE OR 'y", "x"), Position.NONE,
                event("h-2", "T", "{}")).replayed()).isFalse();
        assertThat(db.log.count("hostile")).isEqualTo(2);
    }

    @Test
    void count_and_head_follow_the_log() {
        assertThat(db.log.count("counting")).isZero();
        assertThat(db.log.head("counting")).isEqualTo(Position.NONE);
        db.append("counting", event("n-1", "T", "{}"), event("n-2", "T", "{}"), event("n-3", "T", "{}"));
        db.append("counting", event("n-4", "T", "{}"));
        assertThat(db.log.count("counting")).isEqualTo(4);
        assertThat(db.log.head("counting")).isEqualTo(new Position(4, 3));
    }
}
