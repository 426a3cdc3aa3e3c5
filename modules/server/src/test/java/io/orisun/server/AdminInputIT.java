package io.orisun.server;

import static io.orisun.server.ClientAuth.code;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.orisun.proto.AdminUser;
import io.orisun.proto.BoundaryPlacementInput;
import io.orisun.proto.ChangePasswordRequest;
import io.orisun.proto.CreateBoundaryRequest;
import io.orisun.proto.CreateUserRequest;
import io.orisun.proto.DeleteUserRequest;
import io.orisun.proto.GetBoundaryRequest;
import io.orisun.proto.GetEventCountRequest;
import io.orisun.proto.GetUserCountRequest;
import io.orisun.proto.ListBoundariesRequest;
import io.orisun.proto.ListUsersRequest;
import io.orisun.proto.PingRequest;
import io.orisun.proto.ValidateCredentialsRequest;
import io.orisun.proto.ValidateCredentialsResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The documented answer of every user and catalog RPC of {@code orisun.Admin} to bad input, and injection attempts. */
class AdminInputIT {

    @SharedServer
    private static TestServer node;

    private static CreateUserRequest user(UnaryOperator<CreateUserRequest.Builder> change) {
        return change.apply(CreateUserRequest.newBuilder().setName("Valid Name").setUsername("valid-user")
                .setPassword("valid-password").addRoles("OPERATIONS")).build();
    }

    private static Status.Code createUser(CreateUserRequest request) {
        return code(() -> node.admin().createUser(request));
    }

    @Test
    void create_user_refuses_each_invalid_field_with_invalid_argument() {
        long before = node.admin().getUserCount(GetUserCountRequest.getDefaultInstance()).getCount();
        assertThat(createUser(user(b -> b.setName("  ")))).as("no name").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(createUser(user(b -> b.setUsername(" ab ")))).as("short username").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(createUser(user(b -> b.setUsername("a:b:c")))).as("colon").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(createUser(user(b -> b.setPassword("12345")))).as("short password").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(createUser(user(b -> b.setPassword("p".repeat(100))))).as("long password")
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(createUser(user(b -> b.clearRoles()))).as("no role").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(createUser(user(b -> b.clearRoles().addRoles("SUPERUSER")))).as("unknown role")
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(node.admin().getUserCount(GetUserCountRequest.getDefaultInstance()).getCount())
                .as("nothing was created").isEqualTo(before);
    }

    @Test
    void create_user_answers_the_user_with_real_times_and_a_duplicate_username_is_already_exists() {
        Instant before = Instant.now().minusSeconds(1);
        AdminUser created = node.admin().createUser(user(b -> b.setUsername("  duplicate  ").clearRoles()
                .addRoles("operations").addRoles("ADMIN"))).getUser();
        assertThat(created.getUsername()).isEqualTo("duplicate");
        assertThat(created.getRolesList()).containsExactly("ADMIN", "OPERATIONS");
        assertThat(Instant.ofEpochSecond(created.getCreatedAt().getSeconds())).isAfter(before);
        assertThat(createUser(user(b -> b.setUsername("duplicate")))).isEqualTo(Status.Code.ALREADY_EXISTS);
        AdminUser listed = node.admin().listUsers(ListUsersRequest.getDefaultInstance()).getUsersList().stream()
                .filter(u -> u.getUsername().equals("duplicate")).findFirst().orElseThrow();
        assertThat(listed.getCreatedAt()).as("ListUsers shows the creation time, not now").isEqualTo(created.getCreatedAt());
    }

    @Test
    void delete_user_of_oneself_unknown_or_blank_gets_its_documented_status() {
        String adminId = node.admin().validateCredentials(ValidateCredentialsRequest.newBuilder().setUsername("admin")
                .setPassword("changeit").build()).getUser().getUserId();
        assertThat(code(() -> node.admin().deleteUser(DeleteUserRequest.newBuilder().setUserId(adminId).build())))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(code(() -> node.admin().deleteUser(DeleteUserRequest.newBuilder().setUserId("no-such-user").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> node.admin().deleteUser(DeleteUserRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        String userId = ClientAuth.createUser(node, "deletable", "deletable-password", "OPERATIONS");
        assertThat(node.admin().deleteUser(DeleteUserRequest.newBuilder().setUserId(userId).build()).getSuccess()).isTrue();
        assertThat(code(() -> node.admin().deleteUser(DeleteUserRequest.newBuilder().setUserId(userId).build())))
                .as("twice").isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void change_password_of_another_user_with_a_wrong_or_short_password_gets_its_documented_status() {
        String ownId = ClientAuth.createUser(node, "changer", "changer-password", "OPERATIONS");
        String otherId = ClientAuth.createUser(node, "other-user", "other-password", "OPERATIONS");
        var asChanger = ClientAuth.admin(node, TestServer.basicAuth("changer", "changer-password"));
        assertThat(code(() -> asChanger.changePassword(ChangePasswordRequest.newBuilder().setUserId(otherId)
                .setCurrentPassword("other-password").setNewPassword("hijacked-password").build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(() -> node.admin().changePassword(ChangePasswordRequest.newBuilder().setUserId(otherId)
                .setCurrentPassword("other-password").setNewPassword("hijacked-password").build())))
                .as("not even an admin changes another's password").isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(() -> asChanger.changePassword(ChangePasswordRequest.newBuilder().setUserId(ownId)
                .setCurrentPassword("wrong-password").setNewPassword("new-password").build())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(code(() -> asChanger.changePassword(ChangePasswordRequest.newBuilder().setUserId(ownId)
                .setCurrentPassword("changer-password").setNewPassword("short").build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> asChanger.changePassword(ChangePasswordRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(asChanger.changePassword(ChangePasswordRequest.newBuilder().setUserId(ownId)
                .setCurrentPassword("changer-password").setNewPassword("new-password").build()).getSuccess()).isTrue();
        ClientAuth.eventStore(node, TestServer.basicAuth("changer", "new-password")).ping(PingRequest.getDefaultInstance());
        ClientAuth.eventStore(node, TestServer.basicAuth("other-user", "other-password")).ping(PingRequest.getDefaultInstance());
    }

    @Test
    void validate_credentials_answers_false_for_bad_credentials_instead_of_failing() {
        ValidateCredentialsResponse good = node.admin().validateCredentials(ValidateCredentialsRequest.newBuilder()
                .setUsername("admin").setPassword("changeit").build());
        assertThat(good.getSuccess()).isTrue();
        assertThat(good.getUser().getRolesList()).containsExactly("ADMIN");
        for (ValidateCredentialsRequest bad : List.of(ValidateCredentialsRequest.getDefaultInstance(),
                ValidateCredentialsRequest.newBuilder().setUsername("admin").setPassword("nope-nope").build(),
                ValidateCredentialsRequest.newBuilder().setUsername("ghost").setPassword("changeit").build())) {
            ValidateCredentialsResponse response = node.admin().validateCredentials(bad);
            assertThat(response.getSuccess()).isFalse();
            assertThat(response.hasUser()).isFalse();
        }
    }

    @Test
    void catalog_rpcs_refuse_bad_names_and_placements_and_unknown_boundaries() {
        assertThat(code(() -> node.admin().createBoundary(CreateBoundaryRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> node.admin().createBoundary(CreateBoundaryRequest.newBuilder().setName("9starts_with_digit")
                .build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> node.admin().createBoundary(CreateBoundaryRequest.newBuilder().setName("a".repeat(27))
                .build()))).as("too long").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> node.admin().createBoundary(CreateBoundaryRequest.newBuilder().setName("fine_name")
                .setPlacement(BoundaryPlacementInput.newBuilder().setBackend("sqlite")).build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> node.admin().createBoundary(CreateBoundaryRequest.newBuilder().setName("fine_name")
                .setPlacement(BoundaryPlacementInput.newBuilder().setNamespace("bad-schema")).build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> node.admin().createBoundary(CreateBoundaryRequest.newBuilder().setName("orisun_test_1")
                .build()))).as("a configured boundary").isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(code(() -> node.admin().getBoundary(GetBoundaryRequest.newBuilder().setName("nowhere").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> node.admin().getBoundary(GetBoundaryRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> node.admin().getEventCount(GetEventCountRequest.newBuilder().setBoundary("nowhere").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(node.admin().listBoundaries(ListBoundariesRequest.getDefaultInstance()).getBoundariesList())
                .noneMatch(b -> b.getName().equals("fine_name"));
    }

    @Test
    void injection_attempts_in_usernames_and_boundary_names_are_harmless() throws Exception {
        List<String> usernames = List.of("x'); DROP TABLE admin.orisun_admin_orisun_users; --", "admin' OR '1'='1",
                "\"}],\"roles\"[\"ADMIN\"]", "Robert\"); DROP SCHEMA admin CASCADE;--");
        for (String username : usernames) {
            ClientAuth.createUser(node, username, "injected-password", "OPERATIONS");
            ClientAuth.eventStore(node, TestServer.basicAuth(username, "injected-password"))
                    .ping(PingRequest.getDefaultInstance());
            assertThat(code(() -> ClientAuth.admin(node, TestServer.basicAuth(username, "injected-password"))
                    .listUsers(ListUsersRequest.getDefaultInstance())))
                    .as("an injected username gains no role").isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        assertThat(node.admin().listUsers(ListUsersRequest.getDefaultInstance()).getUsersList())
                .extracting(AdminUser::getUsername).containsAll(usernames);
        assertThat(code(() -> node.eventStore().ping(PingRequest.getDefaultInstance())))
                .as("the admin still works").isEqualTo(Status.Code.OK);

        for (String name : List.of("x\"; DROP SCHEMA public CASCADE; --", "a b", "orisun_admin\"--", "ok'or'1'='1",
                "../../etc", "x;y")) {
            assertThat(code(() -> node.admin().createBoundary(CreateBoundaryRequest.newBuilder().setName(name).build())))
                    .as(name).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(code(() -> node.admin().createBoundary(CreateBoundaryRequest.newBuilder().setName("safe_name")
                    .setPlacement(BoundaryPlacementInput.newBuilder().setNamespace(name)).build())))
                    .as("schema " + name).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(code(() -> node.admin().getBoundary(GetBoundaryRequest.newBuilder().setName(name).build())))
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        try (Connection connection = node.database().connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM information_schema.schemata"
                     + " WHERE schema_name IN ('public', 'admin')")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(2);
        }
    }
}
