package io.orisun.server.rpc;

import io.grpc.stub.StreamObserver;
import io.orisun.api.EventLog;
import io.orisun.proto.AdminGrpc;
import io.orisun.proto.ChangePasswordRequest;
import io.orisun.proto.ChangePasswordResponse;
import io.orisun.proto.CreateBoundaryRequest;
import io.orisun.proto.CreateBoundaryResponse;
import io.orisun.proto.CreateIndexRequest;
import io.orisun.proto.CreateIndexResponse;
import io.orisun.proto.CreateUserRequest;
import io.orisun.proto.CreateUserResponse;
import io.orisun.proto.DeleteUserRequest;
import io.orisun.proto.DeleteUserResponse;
import io.orisun.proto.DropIndexRequest;
import io.orisun.proto.DropIndexResponse;
import io.orisun.proto.GetBoundaryRequest;
import io.orisun.proto.GetBoundaryResponse;
import io.orisun.proto.GetEventCountRequest;
import io.orisun.proto.GetEventCountResponse;
import io.orisun.proto.GetUserCountRequest;
import io.orisun.proto.GetUserCountResponse;
import io.orisun.proto.ListBoundariesRequest;
import io.orisun.proto.ListBoundariesResponse;
import io.orisun.proto.ListUsersRequest;
import io.orisun.proto.ListUsersResponse;
import io.orisun.proto.MoveBoundaryRequest;
import io.orisun.proto.MoveBoundaryResponse;
import io.orisun.proto.ValidateCredentialsRequest;
import io.orisun.proto.ValidateCredentialsResponse;

/** {@code orisun.Admin}: boundaries, users, counts and (as in Orisun's documented generation) index creation. */
public final class AdminService extends AdminGrpc.AdminImplBase {

    private final EventLog eventLog;
    private final IndexEndpoints indexes;
    private final UserEndpoints users;
    private final BoundaryEndpoints boundaries;

    public AdminService(EventLog eventLog, IndexEndpoints indexes, UserEndpoints users, BoundaryEndpoints boundaries) {
        this.eventLog = eventLog;
        this.indexes = indexes;
        this.users = users;
        this.boundaries = boundaries;
    }

    @Override
    public void getEventCount(GetEventCountRequest request, StreamObserver<GetEventCountResponse> observer) {
        StatusMapping.unary(observer,
                () -> GetEventCountResponse.newBuilder().setCount(eventLog.count(request.getBoundary())).build());
    }

    @Override
    public void createBoundary(CreateBoundaryRequest request, StreamObserver<CreateBoundaryResponse> observer) {
        StatusMapping.unary(observer, () -> boundaries.create(request));
    }

    @Override
    public void listBoundaries(ListBoundariesRequest request, StreamObserver<ListBoundariesResponse> observer) {
        StatusMapping.unary(observer, () -> boundaries.list(request));
    }

    @Override
    public void getBoundary(GetBoundaryRequest request, StreamObserver<GetBoundaryResponse> observer) {
        StatusMapping.unary(observer, () -> boundaries.get(request));
    }

    @Override
    public void moveBoundary(MoveBoundaryRequest request, StreamObserver<MoveBoundaryResponse> observer) {
        StatusMapping.unary(observer, () -> boundaries.move(request));
    }

    @Override
    public void createUser(CreateUserRequest request, StreamObserver<CreateUserResponse> observer) {
        StatusMapping.unary(observer, () -> users.create(request));
    }

    @Override
    public void deleteUser(DeleteUserRequest request, StreamObserver<DeleteUserResponse> observer) {
        StatusMapping.unary(observer, () -> users.delete(request));
    }

    @Override
    public void changePassword(ChangePasswordRequest request, StreamObserver<ChangePasswordResponse> observer) {
        StatusMapping.unary(observer, () -> users.changePassword(request));
    }

    @Override
    public void listUsers(ListUsersRequest request, StreamObserver<ListUsersResponse> observer) {
        StatusMapping.unary(observer, () -> users.list(request));
    }

    @Override
    public void validateCredentials(ValidateCredentialsRequest request,
                                    StreamObserver<ValidateCredentialsResponse> observer) {
        StatusMapping.unary(observer, () -> users.validate(request));
    }

    @Override
    public void getUserCount(GetUserCountRequest request, StreamObserver<GetUserCountResponse> observer) {
        StatusMapping.unary(observer, () -> users.count(request));
    }

    @Override
    public void createIndex(CreateIndexRequest request, StreamObserver<CreateIndexResponse> observer) {
        StatusMapping.unary(observer, () -> indexes.create(request));
    }

    @Override
    public void dropIndex(DropIndexRequest request, StreamObserver<DropIndexResponse> observer) {
        StatusMapping.unary(observer, () -> indexes.drop(request));
    }
}
