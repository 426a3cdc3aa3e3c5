package io.orisun.transport;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLS for the gRPC listener, from {@code ORISUN_GRPC_TLS_*}: the server's certificate chain and private key, and
 * with {@code ORISUN_GRPC_TLS_CLIENT_AUTH_REQUIRED} the CA certificates that client certificates must chain to
 * (mutual TLS; a client without one, or with one from another CA, fails the handshake). TLS 1.2 is the minimum.
 *
 * <p>Files are PEM. Keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA, EC or EdDSA), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}); encrypted keys are refused. A file that
 * is missing, unreadable or holds no usable PEM fails start-up with a message naming the variable and the file.
 */
public final class TransportSecurity {

    /** The protocols offered, newest first; TLS 1.2 is the oldest. */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private TransportSecurity() {
    }

    /**
     * The listener's TLS: the certificate chain and key of {@code files}, and with a client CA, mutual TLS.
     *
     * @throws IllegalStateException when a file cannot be read or holds no usable certificate or key; the message
     *                               names the variable and the file
     */
    public static Tls tls(ListenerTls files) {
        var builder = Tls.builder()
                .privateKeyCertChain(certificates("ORISUN_GRPC_TLS_CERT_FILE", files.certFile()))
                .privateKey(privateKey("ORISUN_GRPC_TLS_KEY_FILE", files.keyFile()))
                .enabledProtocols(PROTOCOLS);
        files.clientCaFile().ifPresent(caFile -> builder.trust(certificates("ORISUN_GRPC_TLS_CA_FILE", caFile))
                .clientAuth(TlsClientAuth.REQUIRED));
        return builder.build();
    }

    /** The certificates of a PEM file, in file order. */
    public static List<X509Certificate> certificates(String variable, Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(variable, file)) {
                if (block.type().equals("CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw unusable(variable, file, "a certificate in it cannot be parsed (" + e.getMessage() + ")");
        }
        if (certificates.isEmpty()) {
            throw unusable(variable, file, "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /** The private key of a PEM file. */
    public static PrivateKey privateKey(String variable, Path file) {
        for (Block block : blocks(variable, file)) {
            switch (block.type()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(variable, file, block.der());
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(variable, file, wrap(RSA_ALGORITHM, block.der()));
                }
                case "EC PRIVATE KEY" -> {
                    return pkcs8(variable, file, wrap(ecAlgorithm(variable, file, block.der()), block.der()));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw unusable(variable, file, "the key is encrypted; store it"
                        + " unencrypted (openssl pkcs8 -in key.pem -out plain.pem) and protect the file instead");
                default -> {
                    // Other blocks, such as EC PARAMETERS before an EC key, are not keys.
                }
            }
        }
        throw unusable(variable, file, "it holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(String variable, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw unusable(variable, file, "it cannot be read (" + e + ")");
        }
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = PEM.matcher(text);
        while (matcher.find()) {
            try {
                blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
            } catch (IllegalArgumentException e) {
                throw unusable(variable, file, "a " + matcher.group(1) + " block is not valid Base64");
            }
        }
        return blocks;
    }

    private static PrivateKey pkcs8(String variable, Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // Not this algorithm; try the next.
            } catch (GeneralSecurityException e) {
                throw unusable(variable, file, "the key algorithm " + algorithm + " is not available (" + e.getMessage() + ")");
            }
        }
        throw unusable(variable, file, "the private key is not an RSA, EC or EdDSA key this JDK can read");
    }

    /**
     * The PKCS#8 algorithm identifier of a SEC1 EC key: id-ecPublicKey with the curve named in the key's
     * {@code [0]} parameters.
     */
    private static byte[] ecAlgorithm(String variable, Path file, byte[] sec1) {
        try {
            return ecAlgorithm(sec1);
        } catch (IndexOutOfBoundsException e) {
            throw unusable(variable, file, "the EC private key is malformed or does not name its curve; convert it"
                    + " to PKCS#8 (openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem)");
        }
    }

    private static byte[] ecAlgorithm(byte[] sec1) {
        // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, [0] parameters OPTIONAL, ... }
        int at = skipHeader(sec1, 0);
        at = skipElement(sec1, at);
        at = skipElement(sec1, at);
        if (at >= sec1.length || (sec1[at] & 0xff) != 0xa0) {
            throw new IndexOutOfBoundsException("the EC private key does not name its curve");
        }
        int curveStart = skipHeader(sec1, at);
        int curveEnd = skipElement(sec1, curveStart);
        byte[] curve = java.util.Arrays.copyOfRange(sec1, curveStart, curveEnd);
        return sequence(concat(EC_PUBLIC_KEY_OID, curve));
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, algorithm, privateKey OCTET STRING }. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        byte[] version = {0x02, 0x01, 0x00};
        return sequence(concat(version, algorithm, element(0x04, key)));
    }

    private static byte[] sequence(byte[] content) {
        return element(0x30, content);
    }

    private static byte[] element(int tag, byte[] content) {
        int length = content.length;
        byte[] header;
        if (length < 0x80) {
            header = new byte[]{(byte) tag, (byte) length};
        } else if (length < 0x100) {
            header = new byte[]{(byte) tag, (byte) 0x81, (byte) length};
        } else if (length < 0x10000) {
            header = new byte[]{(byte) tag, (byte) 0x82, (byte) (length >> 8), (byte) length};
        } else {
            header = new byte[]{(byte) tag, (byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
        }
        return concat(header, content);
    }

    private static byte[] concat(byte[]... parts) {
        int total = 0;
        for (byte[] part : parts) {
            total += part.length;
        }
        byte[] out = new byte[total];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /** The offset of the content of the DER element at {@code at}. */
    private static int skipHeader(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        return at + 2 + (first < 0x80 ? 0 : first & 0x7f);
    }

    /** The offset just after the DER element at {@code at}. */
    private static int skipElement(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        int length;
        int contentStart;
        if (first < 0x80) {
            length = first;
            contentStart = at + 2;
        } else {
            int count = first & 0x7f;
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (der[at + 2 + i] & 0xff);
            }
            contentStart = at + 2 + count;
        }
        return contentStart + length;
    }

    private static IllegalStateException unusable(String variable, Path file, String reason) {
        return new IllegalStateException(variable + "=" + file + " is unusable: " + reason);
    }
}
