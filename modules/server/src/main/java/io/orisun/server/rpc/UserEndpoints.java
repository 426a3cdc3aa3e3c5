package io.orisun.server.rpc;

import com.google.protobuf.Timestamp;
import io.orisun.api.Unauthenticated;
import io.orisun.auth.Authentication;
import io.orisun.auth.Authenticator;
import io.orisun.auth.NewUser;
import io.orisun.auth.Role;
import io.orisun.auth.User;
import io.orisun.auth.UserDirectory;
import io.orisun.proto.AdminUser;
import io.orisun.proto.ChangePasswordRequest;
import io.orisun.proto.ChangePasswordResponse;
import io.orisun.proto.CreateUserRequest;
import io.orisun.proto.CreateUserResponse;
import io.orisun.proto.DeleteUserRequest;
import io.orisun.proto.DeleteUserResponse;
import io.orisun.proto.GetUserCountRequest;
import io.orisun.proto.GetUserCountResponse;
import io.orisun.proto.ListUsersRequest;
import io.orisun.proto.ListUsersResponse;
import io.orisun.proto.ValidateCredentialsRequest;
import io.orisun.proto.ValidateCredentialsResponse;
import java.time.Instant;
import java.util.Optional;

/**
 * The user RPCs of {@code orisun.Admin}, over the node's {@link UserDirectory}. The roles each RPC needs are
 * checked by {@link AuthInterceptor} before these run; what depends on the request (a user changes only its own
 * password and cannot delete itself) is checked here.
 */
public final class UserEndpoints {

    private final UserDirectory directory;

    public UserEndpoints(UserDirectory directory) {
        this.directory = directory;
    }

    CreateUserResponse create(CreateUserRequest request) {
        User user = directory.create(NewUser.of(request.getName(), request.getUsername(), request.getPassword(),
                request.getRolesList()));
        return CreateUserResponse.newBuilder().setUser(proto(user)).build();
    }

    DeleteUserResponse delete(DeleteUserRequest request) {
        directory.delete(request.getUserId(), caller().caller());
        return DeleteUserResponse.newBuilder().setSuccess(true).build();
    }

    ChangePasswordResponse changePassword(ChangePasswordRequest request) {
        AuthInterceptor.CallAuth auth = caller();
        Authentication renewed = directory.changePassword(request.getUserId(), request.getCurrentPassword(),
                request.getNewPassword(), auth.caller());
        // The change revoked the token this call came with; the response hands out one for the new password.
        auth.renew(renewed.token());
        return ChangePasswordResponse.newBuilder().setSuccess(true).build();
    }

    ListUsersResponse list(ListUsersRequest request) {
        ListUsersResponse.Builder response = ListUsersResponse.newBuilder();
        directory.list().forEach(user -> response.addUsers(proto(user)));
        return response.build();
    }

    ValidateCredentialsResponse validate(ValidateCredentialsRequest request) {
        Optional<User> user = directory.validate(request.getUsername(), request.getPassword());
        ValidateCredentialsResponse.Builder response = ValidateCredentialsResponse.newBuilder().setSuccess(user.isPresent());
        user.ifPresent(u -> response.setUser(proto(u)));
        return response.build();
    }

    GetUserCountResponse count(GetUserCountRequest request) {
        return GetUserCountResponse.newBuilder().setCount(directory.count()).build();
    }

    private static AuthInterceptor.CallAuth caller() {
        AuthInterceptor.CallAuth auth = AuthInterceptor.CALLER.get();
        if (auth == null) {
            // Only a call that bypassed the interceptor gets here.
            throw new Unauthenticated(Authenticator.CREDENTIALS_REQUIRED);
        }
        return auth;
    }

    static AdminUser proto(User user) {
        return AdminUser.newBuilder()
                .setUserId(user.userId())
                .setName(user.name())
                .setUsername(user.username())
                .addAllRoles(user.roles().stream().map(Role::name).sorted().toList())
                .setCreatedAt(timestamp(user.createdAt()))
                .setUpdatedAt(timestamp(user.updatedAt()))
                .build();
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
