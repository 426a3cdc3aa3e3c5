package io.orisun.server.rpc;

import io.orisun.server.catalog.BoundaryCatalog;
import io.orisun.server.catalog.BoundaryEntry;
import io.orisun.server.catalog.BoundaryMover;
import io.orisun.server.catalog.NewBoundary;

import io.orisun.proto.BoundaryInfo;
import io.orisun.proto.BoundaryLifecycleStatus;
import io.orisun.proto.BoundaryPlacementInput;
import io.orisun.proto.CreateBoundaryRequest;
import io.orisun.proto.CreateBoundaryResponse;
import io.orisun.proto.GetBoundaryRequest;
import io.orisun.proto.GetBoundaryResponse;
import io.orisun.proto.ListBoundariesRequest;
import io.orisun.proto.ListBoundariesResponse;
import io.orisun.proto.MoveBoundaryRequest;
import io.orisun.proto.MoveBoundaryResponse;

/**
 * The boundary RPCs of {@code orisun.Admin} over the node's {@link BoundaryCatalog}: proto messages in, catalog
 * entries out; {@code MoveBoundary} over the node's {@link BoundaryMover}. What the catalog refuses reaches the client through {@link StatusMapping}.
 */
public final class BoundaryEndpoints {

    private final BoundaryCatalog catalog;
    private final BoundaryMover mover;

    public BoundaryEndpoints(BoundaryCatalog catalog, BoundaryMover mover) {
        this.catalog = catalog;
        this.mover = mover;
    }

    MoveBoundaryResponse move(MoveBoundaryRequest request) {
        BoundaryMover.Moved moved = mover.move(request.getBoundary(), request.getServer());
        return MoveBoundaryResponse.newBuilder()
                .setBoundary(moved.boundary())
                .setFromServer(moved.from())
                .setToServer(moved.to())
                .setEventCount(moved.events())
                .setHead(ProtoMapping.position(moved.head()))
                .setChecksum(moved.checksum())
                .setCopyMillis(moved.copyTime().toMillis())
                .setVerifyMillis(moved.verifyTime().toMillis())
                .setPauseMillis(moved.pauseTime().toMillis())
                .setRetiredSchema(moved.retiredSchema())
                .build();
    }

    CreateBoundaryResponse create(CreateBoundaryRequest request) {
        BoundaryEntry created = catalog.create(new NewBoundary(request.getName(), request.getDescription(),
                request.getPlacement().getBackend(), request.getPlacement().getNamespace(),
                request.getPlacement().getServer(), request.getExistedBeforeCatalog()));
        return CreateBoundaryResponse.newBuilder().setBoundary(info(created)).build();
    }

    ListBoundariesResponse list(ListBoundariesRequest request) {
        ListBoundariesResponse.Builder response = ListBoundariesResponse.newBuilder();
        catalog.list().forEach(entry -> response.addBoundaries(info(entry)));
        return response.build();
    }

    GetBoundaryResponse get(GetBoundaryRequest request) {
        return GetBoundaryResponse.newBuilder().setBoundary(info(catalog.get(request.getName()))).build();
    }

    private static BoundaryInfo info(BoundaryEntry entry) {
        BoundaryInfo.Builder info = BoundaryInfo.newBuilder()
                .setName(entry.spec().name())
                .setDescription(entry.spec().description())
                .setPlacement(BoundaryPlacementInput.newBuilder().setBackend(entry.backend())
                        .setNamespace(entry.spec().schema()).setServer(entry.spec().server()))
                .setStatus(switch (entry.status()) {
                    case PROVISIONING -> BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_PROVISIONING;
                    case ACTIVE -> BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_ACTIVE;
                    case FAILED -> BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_FAILED;
                })
                .setExistedBeforeCatalog(entry.existedBeforeCatalog())
                .setLastError(entry.lastError());
        entry.definitionPosition().ifPresent(p -> info.setDefinitionPosition(ProtoMapping.position(p)));
        entry.statusPosition().ifPresent(p -> info.setStatusPosition(ProtoMapping.position(p)));
        return info.build();
    }
}
