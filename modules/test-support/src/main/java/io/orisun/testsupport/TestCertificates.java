package io.orisun.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at test time with {@code openssl}, so that no key is ever committed: two independent CAs, and
 * for each a server certificate for {@code localhost}/{@code 127.0.0.1} and a client certificate.
 */
public final class TestCertificates {

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A CA named {@code ca} with a server and a client certificate, in {@code dir}. */
    public static TestCertificates create(Path dir) {
        TestCertificates certificates = new TestCertificates(dir);
        certificates.authority("ca");
        certificates.leaf("ca", "server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                + "extendedKeyUsage=serverAuth\n");
        certificates.leaf("ca", "client", "orisun-client", "extendedKeyUsage=clientAuth\n");
        return certificates;
    }

    /**
     * A certificate {@code nats} for nats-servers on this machine: for 127.0.0.1 and localhost, usable as server and
     * as client, since a route's two ends each present one.
     */
    public TestCertificates withNatsServer() {
        leaf("ca", "nats", "nats", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
        return this;
    }

    /** Another CA, {@code name}, with a client certificate {@code name-client} that the first CA never signed. */
    public TestCertificates withForeignAuthority(String name) {
        authority(name);
        leaf(name, name + "-client", "foreign-client", "extendedKeyUsage=clientAuth\n");
        return this;
    }

    /** The PEM certificate {@code name}. */
    public Path cert(String name) {
        return dir.resolve(name + ".pem");
    }

    /** The PEM private key of {@code name}. */
    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    /** Runs openssl in {@code dir}; fails the test with openssl's output when it fails. */
    public void openssl(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("openssl could not be run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }

    private void authority(String name) {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + name + " test CA");
    }

    private void leaf(String authority, String name, String commonName, String extensions) {
        try {
            Files.writeString(dir.resolve(name + ".ext"), extensions);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + commonName);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", authority + ".pem", "-CAkey", authority + ".key",
                "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }
}
