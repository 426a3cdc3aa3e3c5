package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.orisun.proto.CreateIndexRequest;
import io.orisun.proto.Criterion;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.IndexDefinition;
import io.orisun.proto.IndexField;
import io.orisun.proto.ListIndexesRequest;
import io.orisun.proto.Query;
import io.orisun.proto.Tag;
import io.orisun.proto.ValueType;
import org.junit.jupiter.api.Test;

/** Reads through the RPCs report their criterion shapes, and ListIndexes suggests the indexes they lacked. */
class IndexAdviceIT {

    private static GetEventsRequest readBy(String key) {
        return GetEventsRequest.newBuilder().setBoundary("orisun_test_1").setCount(10)
                .setQuery(Query.newBuilder().addCriteria(Criterion.newBuilder()
                        .addTags(Tag.newBuilder().setKey(key).setValue("x"))))
                .build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void list_indexes_suggests_an_index_for_a_key_that_reads_used_without_one_until_it_exists() {
        try (TestServer node = TestServer.start()) {
            // The advisor learns a boundary's indexes in the background and counts from then on, so the advice
            // is eventually there: keep reading, for a bounded time, until it is.
            boolean suggested = false;
            for (int attempt = 0; attempt < 100 && !suggested; attempt++) {
                node.eventStore().getEvents(readBy("customer_id"));
                suggested = node.eventStore().listIndexes(ListIndexesRequest.newBuilder().setBoundary("orisun_test_1")
                        .build()).getIndexesList().stream().anyMatch(i -> i.getName().startsWith("suggested_"));
                if (!suggested) {
                    sleep(100);
                }
            }
            assertThat(suggested).as("a suggested_ index in ListIndexes after unindexed reads").isTrue();

            node.admin().createIndex(CreateIndexRequest.newBuilder().setBoundary("orisun_test_1").setName("customer")
                    .addFields(IndexField.newBuilder().setJsonKey("customer_id").setValueType(ValueType.TEXT)).build());
            assertThat(node.eventStore().listIndexes(ListIndexesRequest.newBuilder().setBoundary("orisun_test_1").build())
                    .getIndexesList()).extracting(IndexDefinition::getName)
                    .contains("customer").noneMatch(name -> name.startsWith("suggested_"));
        }
    }
}
