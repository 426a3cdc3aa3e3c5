package io.orisun.server;

import io.orisun.server.config.NatsAccess;
import io.orisun.server.config.NatsConfig;
import io.orisun.server.config.NodeSecrets;
import io.orisun.server.config.OrisunConfig;
import io.orisun.embedded.EmbeddedNats;

import io.nats.client.Connection;
import io.orisun.publisher.EventMac;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The node's NATS, embedded or external, and the secrets of its use: the password of the embedded server and the
 * key of the event messages' MAC, configured or generated. An embedded nats-server needs nothing from PostgreSQL,
 * so {@link #begin} starts it in the background and {@link #connect} waits for it.
 */
final class Messaging {

    private static final System.Logger LOG = System.getLogger(Messaging.class.getName());

    private final NatsConfig natsConfig;
    private final Optional<String> natsPassword;
    private final String eventSecret;
    private final Optional<PendingStart<EmbeddedNats>> natsStart;
    private Optional<EmbeddedNats> embedded = Optional.empty();

    private Messaging(NatsConfig natsConfig, Optional<String> natsPassword, String eventSecret,
                      Optional<PendingStart<EmbeddedNats>> natsStart) {
        this.natsConfig = natsConfig;
        this.natsPassword = natsPassword;
        this.eventSecret = eventSecret;
        this.natsStart = natsStart;
    }

    /** Settles the secrets and, unless an external NATS is configured, starts nats-server in the background. */
    static Messaging begin(OrisunConfig config, Resources resources) {
        NatsConfig natsConfig = config.nats();
        NatsAccess access = natsConfig.access();
        // Generated secrets serve a single node; clustered mode requires configured ones (see OrisunConfig).
        Optional<NodeSecrets> generated = (natsConfig.embedded() && access.password().isEmpty())
                || access.eventSecret().isEmpty() ? Optional.of(NodeSecrets.of(config.dataDir())) : Optional.empty();
        Optional<String> natsPassword = natsConfig.embedded()
                ? Optional.of(access.password().orElseGet(() -> generated.orElseThrow().natsPassword()))
                : access.password();
        String eventSecret = access.eventSecret().orElseGet(() -> generated.orElseThrow().eventSecret());
        Optional<PendingStart<EmbeddedNats>> natsStart = natsConfig.url().isPresent() ? Optional.empty()
                : Optional.of(resources.add(PendingStart.begin("orisun-nats-start",
                        () -> EmbeddedNats.start(EmbeddedNatsSettings.of(natsConfig, natsPassword.orElseThrow())))));
        return new Messaging(natsConfig, natsPassword, eventSecret, natsStart);
    }

    /** Waits for the embedded nats-server, if any, and connects to NATS as node {@code nodeId}. */
    Connection connect(String nodeId, Resources resources, StartupPhases phases) {
        String natsUrl;
        if (natsStart.isEmpty()) {
            natsUrl = natsConfig.url().orElseThrow();
            LOG.log(System.Logger.Level.INFO, "NATS: external at {0}", natsUrl);
        } else {
            EmbeddedNats embeddedNats = resources.add(natsStart.get().await());
            embedded = Optional.of(embeddedNats);
            natsUrl = embeddedNats.url();
            LOG.log(System.Logger.Level.INFO, "NATS: embedded nats-server on port {0,number,#}, store in {1}",
                    natsConfig.port(), natsConfig.storeDir().toAbsolutePath().normalize());
        }
        phases.mark("nats-server");
        Connection nats = NatsClient.connect(natsUrl, natsConfig.access(), natsPassword, "orisun-j " + nodeId);
        resources.add(nats::close);
        phases.mark("nats connection");
        return nats;
    }

    /** The embedded nats-server, once {@link #connect} has waited for it. */
    Optional<EmbeddedNats> embedded() {
        return embedded;
    }

    /** The MAC that signs and checks the event messages. */
    EventMac eventMac() {
        return EventMac.of(eventSecret.getBytes(StandardCharsets.UTF_8));
    }
}
