package io.orisun.server;

import io.orisun.server.config.NatsAccess;
import io.orisun.server.config.NodeSecrets;
import io.orisun.server.config.OrisunConfig;

import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.orisun.transport.TransportSecurity;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The node's connection to NATS, with the credentials of {@link NatsAccess}: a user and password, a token or a
 * {@code .creds} file, over TLS when a CA is configured. A refused credential or a failed TLS handshake stops
 * start-up with a message that names the setting to check.
 */
public final class NatsClient {

    private NatsClient() {
    }

    /**
     * Connects, retrying for ever once connected.
     *
     * @param password the password to present with {@link NatsAccess#user()}, if any: the configured one, or for
     *                 the embedded nats-server the generated one
     * @throws IllegalStateException when NATS cannot be reached or refuses the node, naming the setting at fault
     */
    static Connection connect(String url, NatsAccess access, Optional<String> password, String connectionName) {
        Options.Builder options = new Options.Builder()
                .server(url)
                .connectionName(connectionName)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(5));
        password.ifPresent(secret -> options.userInfo(access.user().toCharArray(), secret.toCharArray()));
        access.token().ifPresent(token -> options.token(token.toCharArray()));
        access.credsFile().ifPresent(file -> options.authHandler(Nats.credentials(file.toString())));
        access.tlsCaFile().ifPresent(ca -> options.sslContext(trusting(ca)));
        String shown = OrisunConfig.maskCredentials(url);
        // jnats reports why the first connection failed (a TLS handshake, a creds file) to the error listener
        // only; the exception it throws just says that no server could be reached.
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        options.errorListener(new ErrorListener() {
            @Override
            public void exceptionOccurred(Connection conn, Exception exp) {
                firstFailure.compareAndSet(null, exp);
            }
        });
        try {
            return Nats.connect(options.build());
        } catch (AuthenticationException e) {
            throw new IllegalStateException("NATS at " + shown + " refused the node (" + e.getMessage() + "): check "
                    + credentialSettings(access, password), e);
        } catch (IOException thrown) {
            IOException e = thrown;
            if (firstFailure.get() != null && e.getCause() == null) {
                e = new IOException(firstFailure.get().toString(), firstFailure.get());
            }
            if (refusedCredentials(e)) {
                throw new IllegalStateException("NATS at " + shown + " refused the node (" + e.getMessage() + "): check "
                        + credentialSettings(access, password), e);
            }
            if (causedByTls(e)) {
                throw new IllegalStateException("TLS with NATS at " + shown + " failed (" + e.getMessage() + "): check"
                        + " ORISUN_NATS_TLS_CA_FILE" + (access.tlsCaFile().isEmpty() ? " (not set)" : ""), e);
            }
            throw new IllegalStateException("could not connect to NATS at " + shown + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to NATS at " + shown, e);
        }
    }

    /** A TLS context that trusts the CA certificates in {@code caFile} only. */
    static SSLContext trusting(Path caFile) {
        List<X509Certificate> authorities = TransportSecurity.certificates("ORISUN_NATS_TLS_CA_FILE", caFile);
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                trust.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("ORISUN_NATS_TLS_CA_FILE=" + caFile + " is unusable: " + e.getMessage(), e);
        }
    }

    /** The setting(s) that hold the credential the node presented, or those that would hold one. */
    private static String credentialSettings(NatsAccess access, Optional<String> password) {
        if (access.credsFile().isPresent()) {
            return "ORISUN_NATS_CREDS_FILE";
        }
        if (access.token().isPresent()) {
            return "ORISUN_NATS_TOKEN";
        }
        if (password.isPresent()) {
            return access.password().isPresent() ? "ORISUN_NATS_USER and ORISUN_NATS_PASSWORD"
                    : "ORISUN_NATS_USER and the ORISUN_NATS_PASSWORD generated in " + NodeSecrets.FILE_NAME;
        }
        return "ORISUN_NATS_USER and ORISUN_NATS_PASSWORD, ORISUN_NATS_TOKEN or ORISUN_NATS_CREDS_FILE (none is set)";
    }

    /** NATS reports refused credentials only as text in its {@code -ERR} line, which jnats passes on. */
    private static boolean refusedCredentials(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException || (t.getMessage() != null
                    && (t.getMessage().contains("Authorization Violation")
                    || t.getMessage().contains("Authentication Timeout")
                    || t.getMessage().contains("User Authentication")))) {
                return true;
            }
        }
        return false;
    }

    private static boolean causedByTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }
}
