package io.orisun.index;

import static io.orisun.index.IndexUnderTest.boundary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orisun.api.AlreadyExists;
import io.orisun.api.BoundarySpec;
import io.orisun.api.Criterion;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.FailedPrecondition;
import io.orisun.api.InvalidRequest;
import io.orisun.api.NotFound;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.Tag;
import io.orisun.ccc.BoundarySchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Creating, listing and dropping indexes on a real PostgreSQL: composite, partial, failed builds, rejections,
 * hostile input, and the rules for names. Each test has a boundary of its own in one database.
 */
class IndexAdminIT {

    private static final BoundarySpec COMPOSITE = boundary("composite", "public");
    private static final BoundarySpec PARTIAL = boundary("partial", "public");
    private static final BoundarySpec FAILING = boundary("failing", "public");
    private static final BoundarySpec HOSTILE = boundary("hostile", "public");
    private static final BoundarySpec NAMES = boundary("names", "public");
    private static final BoundarySpec SHARED_A = boundary("a", "shared");
    private static final BoundarySpec SHARED_A_B = boundary("a_b", "shared");
    private static final BoundarySpec LOST = boundary("lost", "public");
    private static final BoundarySpec RACING = boundary("racing", "public");
    private static final BoundarySpec TYPED = boundary("typed", "public");
    private static IndexUnderTest db;

    @BeforeAll
    static void start() {
        db = new IndexUnderTest(COMPOSITE, PARTIAL, FAILING, HOSTILE, NAMES, SHARED_A, SHARED_A_B, LOST, RACING, TYPED);
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void a_composite_index_is_built_ready_valid_and_listed() {
        db.save("composite", "c-1", "OrderPlaced", "{\"category\": \"books\", \"amount\": 12.5}");
        IndexDefinition definition = IndexDefinition.of("composite", "cat_amount", IndexField.text("category"),
                new IndexField("amount", ValueType.NUMERIC));

        IndexEntry created = db.indexes.create(definition);

        assertThat(created).isEqualTo(new IndexEntry(definition, IndexState.READY, Optional.empty()));
        assertThat(db.indexValidity("public", "composite_cat_amount_idx")).contains(true);
        assertThat(db.strings("SELECT pg_get_indexdef(to_regclass('public.composite_cat_amount_idx'))").getFirst())
                .endsWith("((data ->> 'category'::text)), (((data ->> 'amount'::text))::numeric))");
        assertThat(db.indexes.list("composite")).containsExactly(created);
        assertThat(db.indexes.get("composite", "cat_amount")).isEqualTo(created);
    }

    @Test
    void a_partial_condition_on_a_numeric_field_compares_numbers() {
        for (String amount : List.of("20", "99", "150", "1000")) {
            db.save("partial", "amount-" + amount, "Paid", "{\"amount\": " + amount + "}");
        }
        db.save("partial", "no-amount", "Paid", "{}");

        db.indexes.create(new IndexDefinition("partial", "big", List.of(new IndexField("amount", ValueType.NUMERIC)),
                List.of(IndexCondition.of("amount", ">", "100")), Combinator.AND));

        assertThat(db.admittedBy(PARTIAL, "partial_big_idx")).containsExactly("amount-1000", "amount-150");
        assertThat(db.strings("SELECT event_id FROM public.partial_orisun_es_event WHERE data->>'amount' > '100'"
                + " ORDER BY event_id")).as("comparing text would have admitted 20 and 99 and been wrong")
                .contains("amount-20", "amount-99");
    }

    @Test
    void partial_conditions_combine_with_and_and_with_or() {
        db.save("partial", "placed-big", "OrderPlaced", "{\"total\": 500, \"customer\": \"c1\"}");
        db.save("partial", "placed-small", "OrderPlaced", "{\"total\": 5, \"customer\": \"c2\"}");
        db.save("partial", "shipped", "OrderShipped", "{\"total\": 700, \"customer\": \"c3\"}");
        db.save("partial", "cancelled", "OrderCancelled", "{\"total\": 900, \"customer\": \"c4\"}");

        db.indexes.create(new IndexDefinition("partial", "placed_big", List.of(IndexField.text("customer")),
                List.of(IndexCondition.of("eventType", "=", "OrderPlaced"), IndexCondition.of("total", ">=", "100")),
                Combinator.AND));
        db.indexes.create(new IndexDefinition("partial", "placed_or_shipped", List.of(IndexField.text("customer")),
                List.of(IndexCondition.of("event_type", "=", "OrderPlaced"),
                        IndexCondition.of("eventType", "=", "OrderShipped")), Combinator.OR));

        assertThat(db.admittedBy(PARTIAL, "partial_placed_big_idx")).containsExactly("placed-big");
        assertThat(db.admittedBy(PARTIAL, "partial_placed_or_shipped_idx"))
                .containsExactly("placed-big", "placed-small", "shipped");
        assertThat(db.indexes.get("partial", "placed_or_shipped").definition().combinator()).isEqualTo(Combinator.OR);
    }

    @Test
    void a_failed_numeric_build_leaves_no_index_records_the_reason_and_frees_the_name() {
        db.save("failing", "f-1", "Paid", "{\"amount\": 10}");
        db.save("failing", "f-2", "Paid", "{\"amount\": \"abc\"}");
        IndexDefinition numeric = IndexDefinition.of("failing", "amount", new IndexField("amount", ValueType.NUMERIC));

        assertThatThrownBy(() -> db.indexes.create(numeric))
                .isInstanceOf(FailedPrecondition.class)
                .hasMessageContaining("index amount of boundary failing could not be built")
                .hasMessageContaining("invalid input syntax for type numeric: \"abc\"")
                .hasMessageContaining("SQLSTATE 22P02")
                .hasMessageNotContaining("CREATE")
                .hasMessageNotContaining("data ->>");

        assertThat(db.indexValidity("public", "failing_amount_idx")).as("no index, valid or not").isEmpty();
        assertThat(db.invalidIndexes(FAILING)).isZero();
        IndexEntry failed = db.indexes.get("failing", "amount");
        assertThat(failed.state()).isEqualTo(IndexState.FAILED);
        assertThat(failed.error()).hasValueSatisfying(e -> assertThat(e).contains("\"abc\""));
        assertThat(db.indexes.list("failing")).containsExactly(failed);
        db.save("failing", "f-3", "Paid", "{\"amount\": \"still not a number\"}");

        assertThatThrownBy(() -> db.indexes.create(numeric)).as("the same definition is tried again, and fails again")
                .isInstanceOf(FailedPrecondition.class);
        IndexDefinition text = IndexDefinition.of("failing", "amount", IndexField.text("amount"));
        assertThat(db.indexes.create(text).state()).as("a failed index does not hold its name")
                .isEqualTo(IndexState.READY);
        assertThat(db.indexValidity("public", "failing_amount_idx")).contains(true);
    }

    @Test
    void hostile_keys_and_values_reach_the_index_only_as_literals() {
        String key = "k'); DROP TABLE public.hostile_orisun_es_event; --";
        String value = "v'); DROP TABLE public.hostile_orisun_es_event; -- \\' \"";
        db.save("hostile", "h-1", "Odd", "{\"k'); DROP TABLE public.hostile_orisun_es_event; --\": \"x\"}");
        IndexDefinition definition = new IndexDefinition("hostile", "odd", List.of(IndexField.text(key)),
                List.of(IndexCondition.of(key, ">=", value), IndexCondition.of("eventType", ">", value)),
                Combinator.OR);

        db.indexes.create(definition);

        assertThat(db.number("SELECT count(*) FROM public.hostile_orisun_es_event")).isEqualTo(1);
        assertThat(db.indexValidity("public", "hostile_odd_idx")).contains(true);
        assertThat(db.indexes.get("hostile", "odd").definition()).as("stored and read back unchanged")
                .isEqualTo(definition);
        assertThat(db.admittedBy(HOSTILE, "hostile_odd_idx")).as("'x' >= 'v...' holds").containsExactly("h-1");
        List<Event> read = db.log.read(new ReadRequest("hostile", Query.of(Criterion.of(Tag.of(key, "x"))),
                ReadStart.edge(), Direction.ASC, 10));
        assertThat(read).extracting(Event::eventId).containsExactly("h-1");
    }

    @Test
    void the_same_definition_again_is_a_no_op_and_a_different_one_is_refused() {
        IndexDefinition byCustomer = IndexDefinition.of("names", "customer", IndexField.text("customer"));
        db.indexes.create(byCustomer);
        String oid = db.strings("SELECT to_regclass('public.names_customer_idx')::oid::text").getFirst();

        assertThat(db.indexes.create(byCustomer).state()).isEqualTo(IndexState.READY);
        assertThat(db.strings("SELECT to_regclass('public.names_customer_idx')::oid::text").getFirst())
                .as("not rebuilt").isEqualTo(oid);
        assertThatThrownBy(() -> db.indexes.create(IndexDefinition.of("names", "customer", IndexField.text("client"))))
                .isInstanceOf(AlreadyExists.class).hasMessageContaining("with a different definition");

        db.indexes.drop("names", "customer");
        assertThat(db.indexes.create(IndexDefinition.of("names", "customer", IndexField.text("client"))).state())
                .isEqualTo(IndexState.READY);
    }

    @Test
    void drop_is_idempotent_and_removes_the_index() {
        db.indexes.create(IndexDefinition.of("names", "to_drop", IndexField.text("x")));

        db.indexes.drop("names", "to_drop");
        db.indexes.drop("names", "to_drop");
        db.indexes.drop("names", "never_existed");

        assertThat(db.indexValidity("public", "names_to_drop_idx")).isEmpty();
        assertThat(db.indexes.list("names")).extracting(IndexEntry::name).doesNotContain("to_drop");
        assertThatThrownBy(() -> db.indexes.get("names", "to_drop")).isInstanceOf(NotFound.class)
                .hasMessage("index to_drop does not exist in boundary names");
    }

    @Test
    void rejects_unknown_boundaries_reserved_names_and_invalid_names() {
        IndexDefinition elsewhere = IndexDefinition.of("nowhere", "x", IndexField.text("x"));
        assertThatThrownBy(() -> db.indexes.create(elsewhere)).isInstanceOf(NotFound.class)
                .hasMessage("boundary nowhere does not exist");
        assertThatThrownBy(() -> db.indexes.list("nowhere")).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> db.indexes.get("nowhere", "x")).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> db.indexes.drop("nowhere", "x")).isInstanceOf(NotFound.class);

        assertThatThrownBy(() -> db.indexes.create(IndexDefinition.of("names", "orisun_es_event_type",
                IndexField.text("x")))).as("would take the event log's own index").isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> db.indexes.create(IndexDefinition.of("names", "suggested_x", IndexField.text("x"))))
                .isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> db.indexes.drop("names", "bad-name")).isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> db.indexes.get("names", "")).isInstanceOf(InvalidRequest.class);
        assertThat(db.indexValidity("public", "names_orisun_es_event_type_idx"))
                .as("the event log's own index of that name is untouched").contains(true);
    }

    @Test
    void a_name_held_by_another_boundary_in_the_same_schema_is_refused_and_never_dropped() {
        db.indexes.create(IndexDefinition.of("a", "b_x", IndexField.text("x")));

        assertThatThrownBy(() -> db.indexes.create(IndexDefinition.of("a_b", "x", IndexField.text("y"))))
                .isInstanceOf(AlreadyExists.class).hasMessageContaining("already holds an object named a_b_x_idx");
        db.indexes.drop("a_b", "x");

        assertThat(db.indexValidity("shared", "a_b_x_idx")).as("a's index survives").contains(true);
        assertThat(db.indexes.get("a", "b_x").state()).isEqualTo(IndexState.READY);
    }

    @Test
    void an_interrupted_build_is_reported_as_failed_and_the_next_create_cleans_it_up() {
        db.save("lost", "l-1", "Paid", "{\"amount\": 1}");
        db.save("lost", "l-bad", "Paid", "{\"amount\": \"one\"}");
        db.indexes.list("lost");
        // What a node that stopped during a build leaves: an invalid index and a catalog row saying BUILDING.
        assertThatThrownBy(() -> db.execute("CREATE INDEX CONCURRENTLY lost_amount_idx"
                + " ON public.lost_orisun_es_event (((data ->> 'amount')::numeric))")).rootCause()
                .hasMessageContaining("invalid input syntax for type numeric");
        db.execute("INSERT INTO public.lost_orisun_index (name, physical_name, field_keys, field_types,"
                + " condition_keys, condition_operators, condition_values, combinator, state)"
                + " VALUES ('amount', 'lost_amount_idx', '{amount}', '{NUMERIC}', '{}', '{}', '{}', 'AND', 'BUILDING')");
        db.execute("DELETE FROM public.lost_orisun_es_event WHERE event_id = 'l-bad'");
        assertThat(db.indexValidity("public", "lost_amount_idx")).contains(false);

        IndexEntry reported = db.indexes.get("lost", "amount");
        assertThat(reported.state()).isEqualTo(IndexState.FAILED);
        assertThat(reported.error()).hasValueSatisfying(e -> assertThat(e).contains("interrupted"));

        IndexEntry rebuilt = db.indexes.create(IndexDefinition.of("lost", "amount",
                new IndexField("amount", ValueType.NUMERIC)));

        assertThat(rebuilt.state()).isEqualTo(IndexState.READY);
        assertThat(db.indexValidity("public", "lost_amount_idx")).contains(true);
        assertThat(db.invalidIndexes(LOST)).isZero();
    }

    @Test
    void concurrent_creates_of_one_definition_all_succeed_with_one_build() throws Exception {
        db.save("racing", "r-1", "T", "{\"who\": \"me\"}");
        IndexDefinition definition = IndexDefinition.of("racing", "who", IndexField.text("who"));
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<IndexEntry>> results = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                results.add(executor.submit(() -> {
                    start.await();
                    return db.indexes.create(definition);
                }));
            }
            for (Future<IndexEntry> result : results) {
                assertThat(result.get().state()).isEqualTo(IndexState.READY);
            }
        }
        assertThat(db.number("SELECT count(*) FROM pg_index WHERE indrelid = 'public.racing_orisun_es_event'::regclass"
                + " AND pg_get_indexdef(indexrelid) LIKE '%who%'")).isEqualTo(1);
        assertThat(db.indexes.list("racing")).hasSize(1);
    }

    @Test
    void timestamp_and_boolean_indexes_read_iso_timestamps_and_json_booleans() {
        db.save("typed", "t-may", "Paid", "{\"at\": \"2024-05-01T12:00:00+02:00\", \"paid\": true}");
        db.save("typed", "t-june", "Paid", "{\"at\": \"2024-06-15T08:30:00\", \"paid\": true}");
        db.save("typed", "t-unpaid", "Paid", "{\"at\": \"2024-06-20\", \"paid\": false}");

        db.indexes.create(new IndexDefinition("typed", "paid_at", List.of(new IndexField("at", ValueType.TIMESTAMPTZ)),
                List.of(IndexCondition.of("paid", "=", "true"), IndexCondition.of("at", ">", "2024-05-01T10:00:00Z")),
                Combinator.AND));

        assertThat(db.admittedBy(TYPED, "typed_paid_at_idx")).as("12:00+02:00 is not after 10:00Z")
                .containsExactly("t-june");
        db.save("typed", "t-relative", "Paid", "{\"at\": \"yesterday\", \"paid\": false}");
        assertThatThrownBy(() -> db.indexes.create(IndexDefinition.of("typed", "at",
                new IndexField("at", ValueType.TIMESTAMPTZ)))).isInstanceOf(FailedPrecondition.class)
                .hasMessageContaining("cannot be indexed as a timestamp");
        assertThat(db.invalidIndexes(TYPED)).isZero();
    }

    @Test
    void a_boundary_added_later_is_served_and_one_from_another_schema_is_refused() {
        BoundarySpec late = boundary("late", "public");
        BoundarySchema.apply(db.admin, late);
        IndexDefinition definition = IndexDefinition.of("late", "x", IndexField.text("x"));
        assertThatThrownBy(() -> db.indexes.create(definition)).isInstanceOf(NotFound.class);

        db.indexes.addBoundary(late);
        db.indexes.addBoundary(late);

        assertThat(db.indexes.create(definition).state()).isEqualTo(IndexState.READY);
        assertThatThrownBy(() -> db.indexes.addBoundary(boundary("late", "elsewhere")))
                .isInstanceOf(AlreadyExists.class);
    }

    @Test
    void a_boundary_whose_tables_are_missing_is_a_failed_precondition() {
        try (IndexUnderTest bare = new IndexUnderTest()) {
            IndexAdmin admin = new IndexAdmin(bare.admin, List.of(boundary("unmigrated", "nowhere_schema")));

            assertThatThrownBy(() -> admin.list("unmigrated")).isInstanceOf(FailedPrecondition.class)
                    .hasMessageContaining("its migration has not run");
        }
    }
}
