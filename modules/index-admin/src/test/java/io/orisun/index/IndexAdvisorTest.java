package io.orisun.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.api.Criterion;
import io.orisun.api.Query;
import io.orisun.api.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which criteria count as unindexed, how they are counted, logged and turned into suggestions. */
class IndexAdvisorTest {

    private final List<IndexEntry> catalog = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000);
    private final IndexAdvisor advisor = new IndexAdvisor(boundary -> List.copyOf(catalog), clock::get);
    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger julLogger = Logger.getLogger(IndexAdvisor.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        julLogger.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        julLogger.removeHandler(capture);
    }

    private static IndexEntry ready(IndexDefinition definition) {
        return new IndexEntry(definition, IndexState.READY, Optional.empty());
    }

    @Test
    void counts_shapes_that_no_ready_index_serves_keyed_by_their_sorted_distinct_keys() {
        advisor.refresh("orders");

        advisor.executed("orders", List.of("customer"));
        advisor.executed("orders", List.of("region", "customer"));
        advisor.executed("orders", List.of("customer", "region", "customer"));
        advisor.executed("orders", Query.of(Criterion.of(Tag.of("customer", "c-1")), Criterion.of()));

        assertThat(advisor.unindexedShapes("orders")).containsExactlyInAnyOrderEntriesOf(Map.of(
                List.of("customer"), 2L, List.of("customer", "region"), 2L));
        assertThat(advisor.unindexedShapes("payments")).isEmpty();
    }

    @Test
    void a_ready_text_index_leading_with_any_key_of_the_criterion_serves_it() {
        catalog.add(ready(IndexDefinition.of("orders", "by_customer", IndexField.text("customer"),
                IndexField.text("region"))));
        advisor.refresh("orders");

        advisor.executed("orders", List.of("customer"));
        advisor.executed("orders", List.of("customer", "status"));
        advisor.executed("orders", List.of("region"));

        assertThat(advisor.unindexedShapes("orders")).as("region is the second column: no help on its own")
                .containsOnlyKeys(List.of("region"));
    }

    @Test
    void typed_partial_and_unfinished_indexes_serve_no_criterion() {
        catalog.add(ready(IndexDefinition.of("orders", "amount", new IndexField("amount", ValueType.NUMERIC))));
        catalog.add(ready(new IndexDefinition("orders", "placed", List.of(IndexField.text("customer")),
                List.of(IndexCondition.of("eventType", "=", "OrderPlaced")), Combinator.AND)));
        catalog.add(new IndexEntry(IndexDefinition.of("orders", "region", IndexField.text("region")),
                IndexState.BUILDING, Optional.empty()));
        advisor.refresh("orders");

        advisor.executed("orders", List.of("amount"));
        advisor.executed("orders", List.of("customer"));
        advisor.executed("orders", List.of("region"));

        assertThat(advisor.unindexedShapes("orders")).hasSize(3);
    }

    @Test
    void the_event_type_is_always_served_by_the_event_logs_own_index() {
        advisor.refresh("orders");

        advisor.executed("orders", List.of("eventType"));
        advisor.executed("orders", List.of("customer", "event_type"));

        assertThat(advisor.unindexedShapes("orders")).isEmpty();
    }

    @Test
    void nothing_is_counted_before_the_boundarys_indexes_are_known() {
        IndexAdvisor unknowing = new IndexAdvisor(boundary -> {
            throw new io.orisun.api.Unavailable("database down");
        }, clock::get);

        unknowing.executed("orders", List.of("customer"));

        assertThat(unknowing.unindexedShapes("orders")).isEmpty();
    }

    @Test
    void an_index_created_later_stops_the_counting_and_the_suggestion() {
        advisor.refresh("orders");
        advisor.executed("orders", List.of("customer"));
        catalog.add(ready(IndexDefinition.of("orders", "by_customer", IndexField.text("customer"))));
        advisor.refresh("orders");

        advisor.executed("orders", List.of("customer"));

        assertThat(advisor.unindexedShapes("orders")).containsExactlyEntriesOf(Map.of(List.of("customer"), 1L));
        assertThat(advisor.suggestions("orders", catalog)).isEmpty();
    }

    @Test
    void suggests_a_text_index_per_unserved_shape_most_executed_first() {
        advisor.refresh("orders");
        advisor.executed("orders", List.of("region", "customer"));
        advisor.executed("orders", List.of("sku"));
        advisor.executed("orders", List.of("sku"));

        List<IndexDefinition> suggestions = advisor.suggestions("orders", catalog);

        assertThat(suggestions).extracting(IndexDefinition::name)
                .containsExactly("suggested_sku", "suggested_customer_region");
        assertThat(suggestions.get(1).fields()).containsExactly(IndexField.text("customer"), IndexField.text("region"));
    }

    @Test
    void suggested_names_are_identifiers_that_fit_whatever_the_keys() {
        String longKey = "a very long key with spaces, quotes ' and ünicode that goes on and on";
        String name = IndexAdvisor.suggestedName("orders", List.of(longKey));

        assertThat(name).startsWith("suggested_a_very_long").matches("[A-Za-z0-9_]+");
        assertThat(IndexDefinition.of("orders", name, IndexField.text(longKey)).physicalName().length())
                .isLessThanOrEqualTo(63);
        assertThat(IndexAdvisor.suggestedName("orders", List.of(longKey + "!")))
                .as("shortened names stay distinct").isNotEqualTo(name);
    }

    @Test
    void missing_index_for_names_the_index_to_create_or_nothing_when_one_serves() {
        List<IndexEntry> indexes = List.of(ready(IndexDefinition.of("orders", "c", IndexField.text("customer"))));

        assertThat(IndexAdvisor.missingIndexFor("orders", List.of("customer", "region"), indexes)).isEmpty();
        assertThat(IndexAdvisor.missingIndexFor("orders", List.of("eventType"), List.of())).isEmpty();
        assertThat(IndexAdvisor.missingIndexFor("orders", List.of("region"), indexes))
                .hasValueSatisfying(d -> assertThat(d.fields()).containsExactly(IndexField.text("region")));
        assertThat(IndexAdvisor.covers(indexes, List.of())).as("no tags: the whole boundary, no index helps").isTrue();
    }

    @Test
    void logs_each_unindexed_shape_at_most_once_a_minute() {
        advisor.refresh("orders");

        advisor.executed("orders", List.of("customer"));
        advisor.executed("orders", List.of("customer"));
        advisor.executed("orders", List.of("region"));
        clock.addAndGet(TimeUnit.SECONDS.toNanos(59));
        advisor.executed("orders", List.of("customer"));
        assertThat(warnings()).as("one line per shape within the minute").hasSize(2);

        clock.addAndGet(TimeUnit.SECONDS.toNanos(2));
        advisor.executed("orders", List.of("customer"));
        assertThat(warnings()).hasSize(3);
        assertThat(warnings().getLast()).contains("boundary orders", "4 reads or consistency checks", "[customer]",
                "boundary's events");
    }

    @Test
    void keeps_a_bounded_number_of_shapes_per_boundary() {
        advisor.refresh("orders");

        for (int i = 0; i < IndexAdvisor.MAX_SHAPES + 10; i++) {
            advisor.executed("orders", List.of("key" + i));
        }

        assertThat(advisor.unindexedShapes("orders")).hasSize(IndexAdvisor.MAX_SHAPES);
    }

    private List<String> warnings() {
        synchronized (logged) {
            return logged.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(r -> new java.text.MessageFormat(r.getMessage()).format(r.getParameters()))
                    .toList();
        }
    }
}
