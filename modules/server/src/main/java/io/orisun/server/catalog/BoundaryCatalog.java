package io.orisun.server.catalog;

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
import io.orisun.api.FailedPrecondition;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The boundary catalog: boundaries created at runtime, each in a PostgreSQL schema.
 *
 * <p>The catalog is a sequence of events in the admin boundary: {@code $BoundaryCreated} (name, description,
 * placement; status PROVISIONING), then {@code $BoundaryActivated} (ACTIVE) or {@code $BoundaryProvisioningFailed}
 * (FAILED, with the error). The placement is the schema and the named PostgreSQL server; a {@code $BoundaryCreated}
 * written before servers had names has no {@code server} and means {@value BoundarySpec#DEFAULT_SERVER}. Each is
 * saved with the consistency check on the context {@code boundary=<name>}, so two nodes creating one name cannot both
 * succeed, and only one outcome is recorded. Provisioning migrates the
 * boundary's tables ({@link BoundarySchema#apply}) and activates it on this node, which tells the event log and
 * every other listener of the {@link BoundaryRegistry}.
 *
 * <p>Every node reads the catalog events at {@link #start()} and every {@link #POLL_INTERVAL}, and activates the
 * ACTIVE boundaries it does not serve yet; at start it also finishes any creation left PROVISIONING by a node that
 * stopped half-way. A FAILED boundary may be created again. The configured boundaries ({@code ORISUN_BOUNDARIES},
 * {@code ORISUN_PG_SCHEMAS}) are listed as ACTIVE and as existing before the catalog.
 *
 * <p>A {@code $BoundaryMoved} event (boundary, from, to, checksum, head), recorded by a {@link BoundaryMover} with the
 * same consistency check, places a boundary on another server. It wins over the placement of the configuration: a
 * configured boundary that was moved is served from the server the catalog names, with a warning that the
 * configured placement is stale. Every node applies it on its next read of the catalog, through
 * {@link BoundaryRegistry#move}.
 */
public final class BoundaryCatalog implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BoundaryCatalog.class.getName());

    static final String CREATED = "$BoundaryCreated";
    static final String ACTIVATED = "$BoundaryActivated";
    static final String FAILED = "$BoundaryProvisioningFailed";
    static final String MOVED = "$BoundaryMoved";
    static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    /** The least time between two reads of the catalog asked for by {@link #refresh()}. */
    static final Duration REFRESH_SPACING = Duration.ofMillis(100);

    private static final Query CATALOG = Query.of(Criterion.of(Tag.of("eventType", CREATED)),
            Criterion.of(Tag.of("eventType", ACTIVATED)), Criterion.of(Tag.of("eventType", FAILED)),
            Criterion.of(Tag.of("eventType", MOVED)));
    private static final int MAX_DESCRIPTION_LENGTH = 1024;
    private static final int MAX_ERROR_LENGTH = 1024;
    private static final int PAGE = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventLog eventLog;
    private final Function<BoundarySpec, DataSource> admin;
    private final BoundaryRegistry registry;
    private final String adminBoundary;
    private final Map<String, BoundarySpec> configured = new LinkedHashMap<>();
    private final Map<String, String> configuredServers = new LinkedHashMap<>();
    private final Set<String> servers;
    private final Map<String, BoundaryEntry> catalog = new LinkedHashMap<>();
    private final Map<String, String> moved = new LinkedHashMap<>();
    private final Set<String> activationFailures = new HashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledExecutorService poller;
    private Position seen = Position.NONE;
    private volatile boolean pollFailing;
    private volatile long lastRefresh = System.nanoTime() - REFRESH_SPACING.toNanos();

    /**
     * A catalog kept in {@code adminBoundary} of {@code eventLog}, migrating each boundary through {@code admin}
     * (the admin pool of the PostgreSQL server the boundary is placed on) and activating them in {@code registry}.
     * A boundary may be created on any of {@code servers}, the names of the configured PostgreSQL servers. Nothing
     * is read until {@link #start()}.
     */
    public BoundaryCatalog(EventLog eventLog, Function<BoundarySpec, DataSource> admin, BoundaryRegistry registry,
                           String adminBoundary, Collection<BoundarySpec> configuredBoundaries, Set<String> servers) {
        this.eventLog = eventLog;
        this.admin = admin;
        this.registry = registry;
        this.adminBoundary = adminBoundary;
        configuredBoundaries.forEach(b -> configured.put(b.name(), b));
        configuredBoundaries.forEach(b -> configuredServers.put(b.name(), b.server()));
        this.servers = new TreeSet<>(servers);
        this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform()
                .name("orisun-boundary-catalog").daemon().unstarted(runnable));
    }

    /**
     * Reads the catalog, activates its ACTIVE boundaries on this node, finishes creations left PROVISIONING, and
     * starts watching for boundaries created by other nodes.
     */
    public void start() {
        catchUp();
        finishInterruptedCreations();
        long period = POLL_INTERVAL.toMillis();
        poller.scheduleWithFixedDelay(this::pollQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Creates and provisions a boundary, and answers its catalog entry: ACTIVE, or FAILED with the reason.
     *
     * @throws InvalidRequest for an invalid name, schema, backend, server or description, or a server that is not
     *                        configured
     * @throws AlreadyExists  when the name is configured or in the catalog (unless its creation FAILED)
     */
    public BoundaryEntry create(NewBoundary request) {
        BoundarySpec spec = spec(request);
        catchUp();
        if (configured.containsKey(spec.name())) {
            throw new AlreadyExists("boundary " + spec.name() + " already exists (it is configured)");
        }
        Optional<BoundaryEntry> existing = entry(spec.name());
        if (existing.isPresent() && existing.get().status() != BoundaryStatus.FAILED) {
            throw new AlreadyExists("boundary " + spec.name() + " already exists");
        }
        Criterion context = about(spec.name());
        Position expected = eventLog.latest(adminBoundary, List.of(context)).contextPosition();
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("boundary", spec.name());
        definition.put("description", spec.description());
        definition.put("backend", BoundaryEntry.BACKEND);
        definition.put("namespace", spec.schema());
        definition.put("server", spec.server());
        definition.put("existed_before_catalog", request.existedBeforeCatalog());
        SaveResult defined;
        try {
            defined = save(CREATED, definition, context, expected);
        } catch (ConsistencyViolation e) {
            throw new AlreadyExists("boundary " + spec.name() + " already exists", e);
        }
        LOG.log(System.Logger.Level.INFO, "provisioning boundary {0} in schema {1} on server {2}", spec.name(),
                spec.schema(), spec.server());
        provision(spec, defined.last());
        catchUp();
        return entry(spec.name()).orElseThrow();
    }

    /** Every configured boundary, then the catalog's, in the order they were created. */
    public List<BoundaryEntry> list() {
        catchUp();
        lock.lock();
        try {
            List<BoundaryEntry> entries = new ArrayList<>();
            configured.values().forEach(spec -> entries.add(BoundaryEntry.configured(spec)));
            catalog.values().stream().filter(e -> !configured.containsKey(e.spec().name())).forEach(entries::add);
            return entries;
        } finally {
            lock.unlock();
        }
    }

    /**
     * One boundary.
     *
     * @throws InvalidRequest for an invalid name
     * @throws NotFound       when no boundary has that name
     */
    public BoundaryEntry get(String boundary) {
        String name = BoundarySpec.requireBoundaryName(boundary);
        BoundarySpec spec = configuredSpec(name).orElse(null);
        if (spec != null) {
            return BoundaryEntry.configured(spec);
        }
        Optional<BoundaryEntry> entry = entry(name);
        if (entry.isEmpty()) {
            catchUp();
            entry = entry(name);
        }
        return entry.orElseThrow(() -> new NotFound("no boundary is named " + name));
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }

    private BoundarySpec spec(NewBoundary request) {
        String name = BoundarySpec.requireBoundaryName(request.name());
        String backend = request.backend().strip();
        if (!backend.isEmpty() && !backend.equalsIgnoreCase(BoundaryEntry.BACKEND)) {
            throw new InvalidRequest("placement backend '" + OrisunException.echo(backend) + "' is not supported; the"
                    + " backend is " + BoundaryEntry.BACKEND);
        }
        String namespace = request.namespace().strip();
        String schema = namespace.isEmpty() ? name : BoundarySpec.requireIdentifier("schema", namespace);
        String description = request.description();
        if (description.length() > MAX_DESCRIPTION_LENGTH) {
            throw new InvalidRequest("description is longer than " + MAX_DESCRIPTION_LENGTH + " characters");
        }
        if (description.indexOf('\0') >= 0) {
            throw new InvalidRequest("description must not contain a NUL character");
        }
        String server = request.server().strip();
        if (server.isEmpty()) {
            server = BoundarySpec.DEFAULT_SERVER;
        } else if (!servers.contains(server)) {
            throw new InvalidRequest("placement server '" + OrisunException.echo(server) + "' is not configured; the"
                    + " servers are " + String.join(", ", servers));
        }
        return new BoundarySpec(name, schema, description, server);
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
            BoundarySchema.apply(admin.apply(spec), spec);
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
        for (BoundaryEntry entry : snapshot()) {
            if (entry.status() == BoundaryStatus.PROVISIONING) {
                LOG.log(System.Logger.Level.INFO, "finishing the creation of boundary {0}", entry.spec().name());
                provision(entry.spec(), entry.definitionPosition().orElseThrow());
            }
        }
        catchUp();
    }

    /** Reads the catalog events this node has not seen, and activates the ACTIVE boundaries it does not serve. */
    private void catchUp() {
        lock.lock();
        try {
            readNewEvents();
            for (BoundaryEntry entry : catalog.values()) {
                if (entry.status() == BoundaryStatus.ACTIVE && registry.find(entry.spec().name()).isEmpty()) {
                    activate(entry.spec());
                }
            }
            moved.forEach(this::applyMove);
        } finally {
            lock.unlock();
        }
    }

    /** Folds the catalog events this node has not seen yet; the caller holds the lock. */
    private void readNewEvents() {
        while (true) {
            ReadStart start = seen.equals(Position.NONE) ? ReadStart.edge() : ReadStart.after(seen);
            List<Event> page = eventLog.read(new ReadRequest(adminBoundary, CATALOG, start, Direction.ASC, PAGE));
            page.forEach(this::fold);
            if (!page.isEmpty()) {
                seen = page.getLast().position();
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }

    private void activate(BoundarySpec spec) {
        try {
            BoundarySchema.apply(admin.apply(spec), spec);
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
                case CREATED -> catalog.put(name, new BoundaryEntry(
                        new BoundarySpec(name, data.path("namespace").asText(""), data.path("description").asText(""),
                                data.path("server").asText(BoundarySpec.DEFAULT_SERVER)),
                        data.path("existed_before_catalog").asBoolean(false), BoundaryStatus.PROVISIONING, "",
                        Optional.of(event.position()), Optional.of(event.position())));
                case ACTIVATED -> catalog.computeIfPresent(name,
                        (n, e) -> e.withStatus(BoundaryStatus.ACTIVE, "", event.position()));
                case FAILED -> catalog.computeIfPresent(name,
                        (n, e) -> e.withStatus(BoundaryStatus.FAILED, data.path("error").asText(""), event.position()));
                case MOVED -> {
                    String to = data.path("to").asText("");
                    if (servers.contains(to)) {
                        moved.put(name, to);
                        catalog.computeIfPresent(name, (n, e) -> e.withSpec(e.spec().onServer(to)));
                    } else {
                        LOG.log(System.Logger.Level.WARNING, "boundary {0} was moved to PostgreSQL server {1}, which"
                                + " this node is not configured with; this node cannot serve it", name, to);
                    }
                }
                default -> {
                }
            }
        } catch (InvalidRequest e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring catalog event at {0}: {1}", event.position(), e.getMessage());
        }
    }

    /**
     * Applies a recorded move to this node: the configured placement, if any, gives way to it (with a warning), and
     * the boundary is served from {@code server} if it is served at all.
     */
    private void applyMove(String name, String server) {
        BoundarySpec configuredSpec = configured.get(name);
        if (configuredSpec != null && !configuredSpec.server().equals(server)) {
            String inConfiguration = configuredServers.get(name);
            if (!inConfiguration.equals(server)) {
                LOG.log(System.Logger.Level.WARNING, "boundary {0} is configured on PostgreSQL server {1} but was"
                        + " moved to {2}; the catalog wins, and the configured placement is stale: update"
                        + " ORISUN_PG_SCHEMAS or ORISUN_BOUNDARIES", name, inConfiguration, server);
            }
            configured.put(name, configuredSpec.onServer(server));
        }
        registry.find(name).filter(spec -> !spec.server().equals(server)).ifPresent(spec -> {
            registry.move(spec.onServer(server));
            LOG.log(System.Logger.Level.INFO, "boundary {0} is served from PostgreSQL server {1} on this node", name,
                    server);
        });
    }

    /**
     * The boundary as this node serves it, after reading the catalog.
     *
     * @throws InvalidRequest     for an invalid name
     * @throws NotFound           when no boundary has that name
     * @throws FailedPrecondition when its creation has not succeeded
     */
    BoundarySpec served(String boundary) {
        catchUp();
        BoundaryEntry entry = get(boundary);
        if (entry.status() != BoundaryStatus.ACTIVE) {
            throw new FailedPrecondition("boundary " + entry.spec().name() + " is " + entry.status() + ", not ACTIVE");
        }
        return registry.find(entry.spec().name()).orElse(entry.spec());
    }

    /** The name of the admin boundary, which holds the catalog and stays on the default server. */
    String adminBoundary() {
        return adminBoundary;
    }

    /** The servers a boundary may be placed on. */
    Set<String> servers() {
        return servers;
    }

    /** The position of the newest catalog event about {@code boundary}, which a move is recorded against. */
    Position placementPosition(String boundary) {
        return eventLog.latest(adminBoundary, List.of(about(boundary))).contextPosition();
    }

    /**
     * Records that {@code from} now lives on server {@code to}, unless the catalog recorded anything about the boundary
     * after {@code expected}, and applies it on this node: the registry's move listeners re-point the boundary
     * before this returns.
     *
     * @throws FailedPrecondition when the catalog changed about the boundary (another move was recorded first)
     */
    void recordMove(BoundarySpec from, String to, String checksum, Position head, Position expected) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("boundary", from.name());
        data.put("from", from.server());
        data.put("to", to);
        data.put("checksum", checksum);
        data.put("head", Map.of("transaction_id", head.transactionId(), "global_id", head.globalId()));
        try {
            save(MOVED, data, about(from.name()), expected);
        } catch (ConsistencyViolation e) {
            throw new FailedPrecondition("the catalog changed about boundary " + from.name() + " while it was being"
                    + " moved (another move was recorded first); nothing was switched", e);
        }
        LOG.log(System.Logger.Level.INFO, "recorded the move of boundary {0} from PostgreSQL server {1} to {2}",
                from.name(), from.server(), to);
        catchUp();
    }

    /** The server the newest {@code $BoundaryMoved} of {@code boundary} names, after reading the catalog. */
    Optional<String> recordedServer(String boundary) {
        lock.lock();
        try {
            readNewEvents();
            return Optional.ofNullable(moved.get(boundary));
        } finally {
            lock.unlock();
        }
    }

    private Optional<BoundarySpec> configuredSpec(String name) {
        lock.lock();
        try {
            return Optional.ofNullable(configured.get(name));
        } finally {
            lock.unlock();
        }
    }

    private Optional<BoundaryEntry> entry(String name) {
        lock.lock();
        try {
            return Optional.ofNullable(catalog.get(name));
        } finally {
            lock.unlock();
        }
    }

    private List<BoundaryEntry> snapshot() {
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

    /**
     * Reads the catalog now, as the poll does, unless it was read in the last {@link #REFRESH_SPACING}: for a node
     * that suspects a change it has not polled yet, such as a move. Failures are logged, not thrown.
     */
    public void refresh() {
        long now = System.nanoTime();
        if (now - lastRefresh < REFRESH_SPACING.toNanos()) {
            return;
        }
        lock.lock();
        try {
            // A caller that waited for the lock while another refreshed finds the catalog read already.
            if (System.nanoTime() - lastRefresh < REFRESH_SPACING.toNanos()) {
                return;
            }
            pollQuietly();
            lastRefresh = System.nanoTime();
        } finally {
            lock.unlock();
        }
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
