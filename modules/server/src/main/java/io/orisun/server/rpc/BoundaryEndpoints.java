package io.orisun.server.rpc;

import io.orisun.server.ServerContext;
import io.orisun.server.catalog.BoundaryRegistry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orisun.api.AlreadyExists;
import io.orisun.api.AppendCondition;
import io.orisun.api.BoundarySpec;
import io.orisun.api.ConsistencyViolation;
import io.orisun.api.Criterion;
import io.orisun.api.Direction;
import io.orisun.api.Event;
import io.orisun.api.EventLog;
import io.orisun.api.EventToSave;
import io.orisun.api.InvalidRequest;
import io.orisun.api.NotFound;
import io.orisun.api.OrisunException;
import io.orisun.api.Position;
import io.orisun.api.Query;
import io.orisun.api.ReadRequest;
import io.orisun.api.ReadStart;
import io.orisun.api.SaveRequest;
import io.orisun.api.SaveResult;
import io.orisun.api.Tag;
import io.orisun.ccc.BoundarySchema;
import io.orisun.proto.BoundaryInfo;
import io.orisun.proto.BoundaryLifecycleStatus;
import io.orisun.proto.BoundaryPlacementInput;
import io.orisun.proto.CreateBoundaryRequest;
import io.orisun.proto.CreateBoundaryResponse;
import io.orisun.proto.GetBoundaryRequest;
import io.orisun.proto.GetBoundaryResponse;
import io.orisun.proto.ListBoundariesRequest;
import io.orisun.proto.ListBoundariesResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The boundary catalog of {@code orisun.Admin}: boundaries created at runtime, each in a PostgreSQL schema.
 *
 * <p>The catalog is a sequence of events in the admin boundary: {@code $BoundaryCreated} (name, description,
 * placement; status PROVISIONING), then {@code $BoundaryActivated} (ACTIVE) or {@code $BoundaryProvisioningFailed}
 * (FAILED, with the error). Each is saved with the consistency check on the context {@code boundary=<name>}, so
 * two nodes creating one name cannot both succeed, and only one outcome is recorded. Provisioning migrates the
 * boundary's tables ({@link BoundarySchema#apply}) and activates it on this node, which tells the event log and
 * every other listener of the {@link BoundaryRegistry}.
 *
 * <p>Every node reads the catalog events at start-up and every {@link #POLL_INTERVAL}, and activates the ACTIVE
 * boundaries it does not serve yet; at start-up it also finishes any creation left PROVISIONING by a node that
 * stopped half-way. A FAILED boundary may be created again. The configured boundaries ({@code ORISUN_BOUNDARIES},
 * {@code ORISUN_PG_SCHEMAS}) are listed as ACTIVE with {@code existed_before_catalog = true}.
 */
public final class BoundaryEndpoints implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BoundaryEndpoints.class.getName());

    static final String CREATED = "$BoundaryCreated";
    static final String ACTIVATED = "$BoundaryActivated";
    static final String FAILED = "$BoundaryProvisioningFailed";
    static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

    private static final Query CATALOG = Query.of(Criterion.of(Tag.of("eventType", CREATED)),
            Criterion.of(Tag.of("eventType", ACTIVATED)), Criterion.of(Tag.of("eventType", FAILED)));
    private static final String BACKEND = "postgres";
    private static final int MAX_DESCRIPTION_LENGTH = 1024;
    private static final int MAX_ERROR_LENGTH = 1024;
    private static final int PAGE = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventLog eventLog;
    private final DataSource admin;
    private final BoundaryRegistry registry;
    private final String adminBoundary;
    private final Map<String, BoundarySpec> configured = new LinkedHashMap<>();
    private final Map<String, Entry> catalog = new LinkedHashMap<>();
    private final Set<String> activationFailures = new HashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledExecutorService poller;
    private Position seen = Position.NONE;
    private volatile boolean pollFailing;

    /** A boundary of the catalog, as its events describe it. */
    record Entry(BoundarySpec spec, boolean existedBeforeCatalog, BoundaryLifecycleStatus status, String lastError,
                 Position definitionPosition, Position statusPosition) {
    }

    private BoundaryEndpoints(ServerContext context) {
        this.eventLog = context.eventLog();
        this.admin = context.admin();
        this.registry = context.boundaries();
        this.adminBoundary = context.config().boundaries().adminBoundary();
        context.config().boundaries().boundaries().forEach(b -> configured.put(b.name(), b));
        this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform()
                .name("orisun-boundary-catalog").daemon().unstarted(runnable));
    }

    /**
     * Reads the catalog, activates its ACTIVE boundaries on this node, finishes creations left PROVISIONING, and
     * starts watching for boundaries created by other nodes.
     */
    public static BoundaryEndpoints create(ServerContext context) {
        BoundaryEndpoints endpoints = new BoundaryEndpoints(context);
        endpoints.catchUp();
        endpoints.finishInterruptedCreations();
        long period = POLL_INTERVAL.toMillis();
        endpoints.poller.scheduleWithFixedDelay(endpoints::pollQuietly, period, period, TimeUnit.MILLISECONDS);
        context.resources().onClose(endpoints);
        return endpoints;
    }

    /**
     * Creates and provisions a boundary, and answers its catalog entry: ACTIVE, or FAILED with the reason.
     *
     * @throws InvalidRequest for an invalid name, schema, backend or description
     * @throws AlreadyExists  when the name is configured or in the catalog (unless its creation FAILED)
     */
    CreateBoundaryResponse create(CreateBoundaryRequest request) {
        BoundarySpec spec = spec(request);
        catchUp();
        if (configured.containsKey(spec.name())) {
            throw new AlreadyExists("boundary " + spec.name() + " already exists (it is configured)");
        }
        Optional<Entry> existing = entry(spec.name());
        if (existing.isPresent() && existing.get().status() != BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_FAILED) {
            throw new AlreadyExists("boundary " + spec.name() + " already exists");
        }
        Criterion context = about(spec.name());
        Position expected = eventLog.latest(adminBoundary, List.of(context)).contextPosition();
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("boundary", spec.name());
        definition.put("description", spec.description());
        definition.put("backend", BACKEND);
        definition.put("namespace", spec.schema());
        definition.put("existed_before_catalog", request.getExistedBeforeCatalog());
        SaveResult defined;
        try {
            defined = save(CREATED, definition, context, expected);
        } catch (ConsistencyViolation e) {
            throw new AlreadyExists("boundary " + spec.name() + " already exists", e);
        }
        LOG.log(System.Logger.Level.INFO, "provisioning boundary {0} in schema {1}", spec.name(), spec.schema());
        provision(spec, defined.last());
        catchUp();
        return CreateBoundaryResponse.newBuilder().setBoundary(info(entry(spec.name()).orElseThrow())).build();
    }

    /** Every configured boundary, then the catalog's, in the order they were created. */
    ListBoundariesResponse list(ListBoundariesRequest request) {
        catchUp();
        ListBoundariesResponse.Builder response = ListBoundariesResponse.newBuilder();
        configured.values().forEach(spec -> response.addBoundaries(configuredInfo(spec)));
        snapshot().stream().filter(e -> !configured.containsKey(e.spec().name()))
                .forEach(e -> response.addBoundaries(info(e)));
        return response.build();
    }

    /**
     * One boundary.
     *
     * @throws InvalidRequest for an invalid name
     * @throws NotFound       when no boundary has that name
     */
    GetBoundaryResponse get(GetBoundaryRequest request) {
        String name = BoundarySpec.requireBoundaryName(request.getName());
        BoundarySpec spec = configured.get(name);
        if (spec != null) {
            return GetBoundaryResponse.newBuilder().setBoundary(configuredInfo(spec)).build();
        }
        Optional<Entry> entry = entry(name);
        if (entry.isEmpty()) {
            catchUp();
            entry = entry(name);
        }
        return GetBoundaryResponse.newBuilder()
                .setBoundary(info(entry.orElseThrow(() -> new NotFound("no boundary is named " + name))))
                .build();
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }

    private static BoundarySpec spec(CreateBoundaryRequest request) {
        String name = BoundarySpec.requireBoundaryName(request.getName());
        String backend = request.getPlacement().getBackend().strip();
        if (!backend.isEmpty() && !backend.equalsIgnoreCase(BACKEND)) {
            throw new InvalidRequest("placement backend '" + printable(backend) + "' is not supported; the backend is "
                    + BACKEND);
        }
        String namespace = request.getPlacement().getNamespace().strip();
        String schema = namespace.isEmpty() ? name : BoundarySpec.requireIdentifier("schema", namespace);
        String description = request.getDescription();
        if (description.length() > MAX_DESCRIPTION_LENGTH) {
            throw new InvalidRequest("description is longer than " + MAX_DESCRIPTION_LENGTH + " characters");
        }
        if (description.indexOf('\0') >= 0) {
            throw new InvalidRequest("description must not contain a NUL character");
        }
        return new BoundarySpec(name, schema, description);
    }

    /**
     * Migrates and activates the boundary, then records the outcome, unless another node recorded one first for
     * the same definition.
     */
    private void provision(BoundarySpec spec, Position definition) {
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("boundary", spec.name());
        String type;
        try {
            BoundarySchema.apply(admin, spec);
            registry.activate(spec);
            type = ACTIVATED;
            LOG.log(System.Logger.Level.INFO, "boundary {0} is active", spec.name());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "provisioning boundary " + spec.name() + " failed", e);
            type = FAILED;
            String reason = e instanceof OrisunException ? e.getMessage() : e.getClass().getSimpleName();
            outcome.put("error", reason.length() > MAX_ERROR_LENGTH ? reason.substring(0, MAX_ERROR_LENGTH) + "..." : reason);
        }
        try {
            save(type, outcome, about(spec.name()), definition);
        } catch (ConsistencyViolation e) {
            LOG.log(System.Logger.Level.DEBUG, "another node recorded the outcome of boundary {0} first", spec.name());
        }
    }

    private void finishInterruptedCreations() {
        for (Entry entry : snapshot()) {
            if (entry.status() == BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_PROVISIONING) {
                LOG.log(System.Logger.Level.INFO, "finishing the creation of boundary {0}", entry.spec().name());
                provision(entry.spec(), entry.definitionPosition());
            }
        }
        catchUp();
    }

    /** Reads the catalog events this node has not seen, and activates the ACTIVE boundaries it does not serve. */
    private void catchUp() {
        lock.lock();
        try {
            while (true) {
                ReadStart start = seen.equals(Position.NONE) ? ReadStart.edge() : ReadStart.after(seen);
                List<Event> page = eventLog.read(new ReadRequest(adminBoundary, CATALOG, start, Direction.ASC, PAGE));
                page.forEach(this::fold);
                if (!page.isEmpty()) {
                    seen = page.getLast().position();
                }
                if (page.size() < PAGE) {
                    break;
                }
            }
            for (Entry entry : catalog.values()) {
                if (entry.status() == BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_ACTIVE
                        && registry.find(entry.spec().name()).isEmpty()) {
                    activate(entry.spec());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void activate(BoundarySpec spec) {
        try {
            BoundarySchema.apply(admin, spec);
            registry.activate(spec);
            activationFailures.remove(spec.name());
            LOG.log(System.Logger.Level.INFO, "boundary {0} from the catalog is active on this node", spec.name());
        } catch (RuntimeException e) {
            // Retried on every poll; logged once until it works.
            if (activationFailures.add(spec.name())) {
                LOG.log(System.Logger.Level.WARNING, "activating boundary " + spec.name() + " from the catalog failed", e);
            }
        }
    }

    private void fold(Event event) {
        JsonNode data;
        try {
            data = JSON.readTree(event.data());
        } catch (JsonProcessingException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring catalog event {0}: its data is not JSON", event.position());
            return;
        }
        String name = data.path("boundary").asText("");
        try {
            switch (event.eventType()) {
                case CREATED -> catalog.put(name, new Entry(
                        new BoundarySpec(name, data.path("namespace").asText(""), data.path("description").asText("")),
                        data.path("existed_before_catalog").asBoolean(false),
                        BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_PROVISIONING, "", event.position(),
                        event.position()));
                case ACTIVATED -> catalog.computeIfPresent(name, (n, e) -> new Entry(e.spec(), e.existedBeforeCatalog(),
                        BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_ACTIVE, "", e.definitionPosition(),
                        event.position()));
                case FAILED -> catalog.computeIfPresent(name, (n, e) -> new Entry(e.spec(), e.existedBeforeCatalog(),
                        BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_FAILED, data.path("error").asText(""),
                        e.definitionPosition(), event.position()));
                default -> {
                }
            }
        } catch (InvalidRequest e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring catalog event at {0}: {1}", event.position(), e.getMessage());
        }
    }

    private Optional<Entry> entry(String name) {
        lock.lock();
        try {
            return Optional.ofNullable(catalog.get(name));
        } finally {
            lock.unlock();
        }
    }

    private List<Entry> snapshot() {
        lock.lock();
        try {
            return List.copyOf(catalog.values());
        } finally {
            lock.unlock();
        }
    }

    private SaveResult save(String type, Map<String, Object> data, Criterion context, Position expected) {
        String json;
        try {
            json = JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("catalog event data could not be written as JSON", e);
        }
        return eventLog.save(new SaveRequest(adminBoundary, AppendCondition.contextAt(Query.of(context), expected),
                List.of(new EventToSave(UUID.randomUUID().toString(), type, json, "{}"))));
    }

    private static Criterion about(String name) {
        return Criterion.of(Tag.of("boundary", name));
    }

    private static BoundaryInfo configuredInfo(BoundarySpec spec) {
        return BoundaryInfo.newBuilder()
                .setName(spec.name())
                .setDescription(spec.description())
                .setPlacement(placement(spec))
                .setStatus(BoundaryLifecycleStatus.BOUNDARY_LIFECYCLE_STATUS_ACTIVE)
                .setExistedBeforeCatalog(true)
                .build();
    }

    private static BoundaryInfo info(Entry entry) {
        return BoundaryInfo.newBuilder()
                .setName(entry.spec().name())
                .setDescription(entry.spec().description())
                .setPlacement(placement(entry.spec()))
                .setStatus(entry.status())
                .setExistedBeforeCatalog(entry.existedBeforeCatalog())
                .setLastError(entry.lastError())
                .setDefinitionPosition(ProtoMapping.position(entry.definitionPosition()))
                .setStatusPosition(ProtoMapping.position(entry.statusPosition()))
                .build();
    }

    private static BoundaryPlacementInput placement(BoundarySpec spec) {
        return BoundaryPlacementInput.newBuilder().setBackend(BACKEND).setNamespace(spec.schema()).build();
    }

    private static String printable(String text) {
        return OrisunException.echo(text);
    }

    private void pollQuietly() {
        try {
            catchUp();
            if (pollFailing) {
                pollFailing = false;
                LOG.log(System.Logger.Level.INFO, "reading the boundary catalog works again");
            }
        } catch (RuntimeException e) {
            // One line per outage, not one per poll.
            if (!pollFailing) {
                pollFailing = true;
                LOG.log(System.Logger.Level.WARNING, "reading the boundary catalog failed; boundaries created on other"
                        + " nodes are not activated here until it works again", e);
            }
        }
    }
}
