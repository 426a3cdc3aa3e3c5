package io.orisun.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.common.tls.Tls;
import io.orisun.testsupport.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransportSecurityTest {

    @TempDir
    static Path dir;
    private static TestCertificates certificates;

    @BeforeAll
    static void makeKeys() {
        certificates = TestCertificates.create(dir);
        certificates.openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa8.key");
        certificates.openssl("rsa", "-in", "rsa8.key", "-traditional", "-out", "rsa1.key");
        certificates.openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "sec1.key");
        certificates.openssl("genpkey", "-algorithm", "ed25519", "-out", "ed.key");
        certificates.openssl("pkcs8", "-topk8", "-in", "ed.key", "-out", "encrypted.key", "-passout", "pass:secret");
    }

    @Test
    void reads_pkcs8_pkcs1_and_sec1_private_keys() {
        assertThat(key("rsa8.key").getAlgorithm()).isEqualTo("RSA");
        assertThat(key("rsa1.key").getAlgorithm()).isEqualTo("RSA");
        assertThat(key("sec1.key").getAlgorithm()).isEqualTo("EC");
        assertThat(key("server.key").getAlgorithm()).isEqualTo("EC");
        assertThat(key("ed.key").getAlgorithm()).isIn("EdDSA", "Ed25519");
    }

    @Test
    void an_encrypted_key_is_refused_with_a_message_naming_the_file_and_the_way_out() {
        assertThatThrownBy(() -> key("encrypted.key"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ORISUN_GRPC_TLS_KEY_FILE=" + dir.resolve("encrypted.key"))
                .hasMessageContaining("encrypted");
    }

    @Test
    void a_missing_or_garbage_file_fails_naming_the_variable_and_the_file() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        assertThatThrownBy(() -> TransportSecurity.certificates("ORISUN_GRPC_TLS_CERT_FILE", garbage))
                .hasMessageContaining("ORISUN_GRPC_TLS_CERT_FILE=" + garbage).hasMessageContaining("no PEM certificate");
        assertThatThrownBy(() -> TransportSecurity.privateKey("ORISUN_GRPC_TLS_KEY_FILE", garbage))
                .hasMessageContaining("ORISUN_GRPC_TLS_KEY_FILE=" + garbage).hasMessageContaining("no PEM private key");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> TransportSecurity.certificates("ORISUN_GRPC_TLS_CA_FILE", missing))
                .hasMessageContaining("ORISUN_GRPC_TLS_CA_FILE=" + missing).hasMessageContaining("cannot be read");
    }

    @Test
    void tls_offers_only_tls_1_2_and_1_3_and_requires_client_certificates_only_with_a_client_ca() {
        Tls mutual = TransportSecurity.tls(new ListenerTls(certificates.cert("server"), certificates.key("server"),
                Optional.of(certificates.cert("ca"))));
        assertThat(mutual.enabled()).isTrue();
        assertThat(mutual.sslParameters().getProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        assertThat(mutual.sslParameters().getNeedClientAuth()).isTrue();
        Tls serverOnly = TransportSecurity.tls(new ListenerTls(certificates.cert("server"), certificates.key("server"),
                Optional.empty()));
        assertThat(serverOnly.sslParameters().getNeedClientAuth()).isFalse();
    }

    private static PrivateKey key(String file) {
        return TransportSecurity.privateKey("ORISUN_GRPC_TLS_KEY_FILE", dir.resolve(file));
    }
}
