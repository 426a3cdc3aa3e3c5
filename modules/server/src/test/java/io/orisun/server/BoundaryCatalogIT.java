package io.orisun.server;

import static io.orisun.server.ClientAuth.code;
import static io.orisun.server.ClientAuth.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.SaveRequest;
import io.orisun.ccc.GroupCommitSettings;
import io.orisun.ccc.PgEventLog;
import io.orisun.proto.BoundaryInfo;
import io.orisun.proto.BoundaryLifecycleStatus;
import io.orisun.proto.BoundaryPlacementInput;
import io.orisun.proto.CreateBoundaryRequest;
import io.orisun.proto.EventToSave;
import io.orisun.proto.GetBoundaryRequest;
import io.orisun.proto.GetEventsRequest;
import io.orisun.proto.ListBoundariesRequest;
import io.orisun.proto.SaveEventsRequest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Runtime boundaries: creation, the catalog's view, and activation on other nodes and after restarts. */
class BoundaryCatalogIT {

    private static final Duration PROPAGATION = Duration.ofSeconds(30);

    @SharedServer
    private static TestServer node;

    private static BoundaryInfo create(TestServer server, String name, String schema) {
        return server.admin().createBoundary(CreateBoundaryRequest.newBuilder().setName(name).setDescription("made at runtime")
                .setPlacement(BoundaryPlacementInput.newBuilder().setBackend("postgres").setNamespace(schema)).build())
                .getBoundary();
    }

    private static void saveAndRead(TestServer server, String boundary, String eventId) {
        server.eventStore().saveEvents(SaveEventsRequest.newBuilder().setBoundary(boundary)
                .addEvents(EventToSave.newBuilder().setEventId(eventId).setEventType("Created").setData("{\"n\": 1}"))
                .build());
        assertThat(server.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary(boundary).setCount(100).build())
                .getEventsList()).anyMatch(e -> e.getEventId().equals(eventId));
    }

    @Test
    void configured_boundaries_are_listed_as_active_and_existing_before_the_catalog() {
        List<BoundaryInfo> boundaries = node.admin().listBoundaries(ListBoundariesRequest.getDefaultInstance())
                .getBoundariesList();
        assertThat(boundaries).extracting(BoundaryInfo::getName).contains("orisun_test_1", "orisun_test_2", "orisun_admin");
        BoundaryInfo admin = node.admin().getBoundary(GetBoundaryRequest.newBuilder().setName("orisun_admin").build())
                .getBoundary();
        assertThat(admin.getStatus()).isEqualTo(BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_ACTIVE);
        assertThat(admin.getExistedBeforeCatalog()).isTrue();
        assertThat(admin.getPlacement().getNamespace()).isEqualTo("admin");
        assertThat(boundaries).as("every configured boundary, the admin one included, is on the default server")
                .extracting(b -> b.getPlacement().getServer()).containsOnly(BoundarySpec.DEFAULT_SERVER);
    }

    @Test
    void a_boundary_created_without_a_server_is_placed_on_the_default_one_and_so_is_one_that_names_it() {
        BoundaryInfo unplaced = create(node, "runtime_unplaced", "");
        assertThat(unplaced.getPlacement().getServer()).isEqualTo("default");
        BoundaryInfo placed = node.admin().createBoundary(CreateBoundaryRequest.newBuilder().setName("runtime_placed")
                .setPlacement(BoundaryPlacementInput.newBuilder().setServer("default")).build()).getBoundary();
        assertThat(placed.getStatus()).isEqualTo(BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_ACTIVE);
        assertThat(placed.getPlacement().getServer()).isEqualTo("default");
        assertThat(node.admin().getBoundary(GetBoundaryRequest.newBuilder().setName("runtime_placed").build())
                .getBoundary().getPlacement().getServer()).isEqualTo("default");
        assertThat(node.admin().listBoundaries(ListBoundariesRequest.getDefaultInstance()).getBoundariesList())
                .filteredOn(b -> b.getName().equals("runtime_unplaced"))
                .extracting(b -> b.getPlacement().getServer()).containsExactly("default");
        saveAndRead(node, "runtime_placed", "placed-1");
    }

    @Test
    void a_boundary_on_a_server_that_is_not_configured_is_refused_naming_the_known_servers() {
        var refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> node.admin().createBoundary(CreateBoundaryRequest.newBuilder().setName("runtime_nowhere")
                        .setPlacement(BoundaryPlacementInput.newBuilder().setServer("replica_eu")).build()));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getStatus().getDescription()).contains("replica_eu", "not configured", "default");
        assertThat(code(() -> node.admin().getBoundary(GetBoundaryRequest.newBuilder().setName("runtime_nowhere").build())))
                .as("nothing was recorded").isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void a_catalog_entry_written_before_servers_had_names_is_read_as_placed_on_the_default_server() {
        // The definition as it was recorded before placement named a server: no "server" field.
        String definition = "{\"boundary\": \"runtime_legacy\", \"description\": \"old\", \"backend\": \"postgres\","
                + " \"namespace\": \"legacy\", \"existed_before_catalog\": false}";
        try (HikariDataSource pool = node.database().pool(2);
             PgEventLog admin = new PgEventLog(pool, pool, List.of(new BoundarySpec("orisun_admin", "admin", "")),
                     GroupCommitSettings.DEFAULTS)) {
            for (String[] event : new String[][] {{"$BoundaryCreated", definition},
                    {"$BoundaryActivated", "{\"boundary\": \"runtime_legacy\"}"}}) {
                admin.save(new SaveRequest("orisun_admin", AppendCondition.none(), List.of(
                        new io.orisun.api.EventToSave(UUID.randomUUID().toString(), event[0], event[1], "{}"))));
            }
        }
        BoundaryInfo legacy = node.admin().getBoundary(GetBoundaryRequest.newBuilder().setName("runtime_legacy").build())
                .getBoundary();
        assertThat(legacy.getPlacement().getNamespace()).isEqualTo("legacy");
        assertThat(legacy.getPlacement().getServer()).isEqualTo("default");
        eventually(PROPAGATION, () -> saveAndRead(node, "runtime_legacy", "legacy-1"));
    }

    @Test
    void a_created_boundary_is_active_at_once_here_and_soon_on_a_running_sibling() {
        try (TestServer sibling = node.sibling()) {
            BoundaryInfo created = create(node, "runtime_orders", "runtime");
            assertThat(created.getStatus()).isEqualTo(BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_ACTIVE);
            assertThat(created.getExistedBeforeCatalog()).isFalse();
            assertThat(created.getPlacement().getNamespace()).isEqualTo("runtime");
            assertThat(created.getDescription()).isEqualTo("made at runtime");
            assertThat(created.getStatusPosition().getTransactionId())
                    .isGreaterThan(created.getDefinitionPosition().getTransactionId());
            saveAndRead(node, "runtime_orders", "order-1");
            assertThat(node.admin().listBoundaries(ListBoundariesRequest.getDefaultInstance()).getBoundariesList())
                    .extracting(BoundaryInfo::getName).contains("runtime_orders");
            eventually(PROPAGATION, () -> saveAndRead(sibling, "runtime_orders", "order-2"));
            assertThat(sibling.admin().getBoundary(GetBoundaryRequest.newBuilder().setName("runtime_orders").build())
                    .getBoundary().getStatus()).isEqualTo(BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_ACTIVE);
            assertThat(code(() -> create(sibling, "runtime_orders", "elsewhere")))
                    .isEqualTo(Status.Code.ALREADY_EXISTS);
        }
    }

    @Test
    void a_created_boundary_is_served_by_a_node_started_later() {
        create(node, "runtime_audit", "");
        try (TestServer later = node.sibling()) {
            saveAndRead(later, "runtime_audit", "audit-1");
            BoundaryInfo info = later.admin().getBoundary(GetBoundaryRequest.newBuilder().setName("runtime_audit").build())
                    .getBoundary();
            assertThat(info.getPlacement().getNamespace()).as("the schema defaults to the name").isEqualTo("runtime_audit");
        }
    }

    @Test
    void a_failed_provisioning_is_recorded_with_its_error_and_can_be_retried() throws Exception {
        try (Connection connection = node.database().connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA doomed");
            // A table in the way of the migration makes provisioning fail.
            statement.execute("CREATE TABLE doomed.\"runtime_doomed_orisun_es_event\" (unrelated int)");
        }
        BoundaryInfo failed = create(node, "runtime_doomed", "doomed");
        assertThat(failed.getStatus()).isEqualTo(BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_FAILED);
        assertThat(failed.getLastError()).isNotBlank();
        assertThat(code(() -> node.eventStore().getEvents(GetEventsRequest.newBuilder().setBoundary("runtime_doomed")
                .setCount(1).build()))).isEqualTo(Status.Code.NOT_FOUND);

        try (Connection connection = node.database().connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE doomed.\"runtime_doomed_orisun_es_event\"");
        }
        BoundaryInfo retried = create(node, "runtime_doomed", "doomed");
        assertThat(retried.getStatus()).isEqualTo(BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_ACTIVE);
        assertThat(retried.getLastError()).isEmpty();
        saveAndRead(node, "runtime_doomed", "doomed-1");
    }

    @Test
    void concurrent_creations_of_one_name_on_two_nodes_have_one_winner() throws Exception {
        try (TestServer sibling = node.sibling()) {
            var here = java.util.concurrent.CompletableFuture.supplyAsync(() -> code(() -> create(node, "runtime_race", "")));
            var there = java.util.concurrent.CompletableFuture.supplyAsync(() -> code(() -> create(sibling, "runtime_race", "")));
            assertThat(List.of(here.get(), there.get())).containsExactlyInAnyOrder(Status.Code.OK, Status.Code.ALREADY_EXISTS);
        }
    }
}
