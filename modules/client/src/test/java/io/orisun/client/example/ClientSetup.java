package io.orisun.client.example;

import io.orisun.client.OrisunClient;
import java.nio.file.Path;
import java.time.Duration;

/** The client README's connection example, kept compiling. */
public final class ClientSetup {

    private ClientSetup() {
    }

    public static OrisunClient connect() {
        OrisunClient client = OrisunClient.builder()
                .targets("orisun-1.example.com:5005", "orisun-2.example.com:5005")  // round robin over both
                .credentials("billing", "s3cret-pw")
                .tls(Path.of("ca.pem"))                                             // optional; mTLS: add .clientCertificate(...)
                .deadline(Duration.ofSeconds(10))                                   // per unary call, default 30 s
                .build();
        return client;
    }
}
