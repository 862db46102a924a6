package io.weft.pooler.tls;

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
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys from PEM files, as PostgreSQL and PgBouncer take them. Keys must
 * be unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey} and
 * {@code openssl req -newkey} write); the other formats are named in the error with the
 * command that converts them, since the JDK reads PKCS#8 only.
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private PemFiles() {
    }

    /** Every certificate in {@code file}, in file order (a server certificate first, then its chain). */
    public static List<X509Certificate> certificates(Path file) throws TlsFileException {
        String text = read(file);
        List<X509Certificate> certs = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new TlsFileException(file, "no X.509 support in this JDK: " + e.getMessage());
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (!m.group(1).equals("CERTIFICATE")) continue;
            try {
                certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der(file, m.group(2)))));
            } catch (CertificateException e) {
                throw new TlsFileException(file, "certificate " + (certs.size() + 1) + " is not a valid X.509 certificate: "
                        + e.getMessage());
            }
        }
        if (certs.isEmpty()) throw new TlsFileException(file, "no '-----BEGIN CERTIFICATE-----' block: not a PEM certificate file");
        return List.copyOf(certs);
    }

    /** The one private key in {@code file}: unencrypted PKCS#8 holding an RSA, EC or EdDSA key. */
    public static PrivateKey privateKey(Path file) throws TlsFileException {
        String text = read(file);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String kind = m.group(1);
            switch (kind) {
                case "PRIVATE KEY" -> {
                    return pkcs8(file, der(file, m.group(2)));
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new TlsFileException(file, "the key is in the old '"
                        + kind + "' format (PKCS#1/SEC1); convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in "
                        + file + " -out key.pk8.pem");
                case "ENCRYPTED PRIVATE KEY" -> throw new TlsFileException(file, "the key is encrypted with a passphrase;"
                        + " the pooler needs an unencrypted PKCS#8 key: openssl pkcs8 -topk8 -nocrypt -in " + file
                        + " -out key.pk8.pem");
                default -> { } // a certificate in the same file, say
            }
        }
        throw new TlsFileException(file, "no '-----BEGIN PRIVATE KEY-----' block: not a PEM private key file");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws TlsFileException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        // The algorithm is inside the DER; the JDK wants it named, so try the usual ones.
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this one
            }
        }
        throw new TlsFileException(file, "the PKCS#8 key is neither RSA, EC nor EdDSA, or it is damaged");
    }

    private static byte[] der(Path file, String base64) throws TlsFileException {
        try {
            return Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(file, "bad base64 in a PEM block: " + e.getMessage());
        }
    }

    private static String read(Path file) throws TlsFileException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot read: " + e);
        } catch (RuntimeException e) { // MalformedInputException comes as an IOException; be safe
            throw new TlsFileException(file, "cannot read: " + e);
        }
    }
}
