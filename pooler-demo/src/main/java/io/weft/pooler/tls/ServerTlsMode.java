package io.weft.pooler.tls;

/** {@code server_tls}: libpq's sslmode for the pooler's own connections to PostgreSQL. */
public enum ServerTlsMode {
    /** No SSLRequest. */
    DISABLE,
    /** SSLRequest; in the clear if the server answers 'N'. No certificate check. */
    PREFER,
    /** SSLRequest; 'N' fails the connection. No certificate check. */
    REQUIRE,
    /** As require, and the server's chain must lead to server_tls_ca_file. */
    VERIFY_CA,
    /** As verify-ca, and the certificate must name the server's host (a DNS or IP subject alternative name). */
    VERIFY_FULL;

    /** The configuration's spelling: verify-ca for VERIFY_CA. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
