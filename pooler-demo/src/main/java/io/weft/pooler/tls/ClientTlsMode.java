package io.weft.pooler.tls;

/** {@code client_tls}: whether clients may or must encrypt their connection to the pooler. */
public enum ClientTlsMode {
    /** SSLRequest answered 'N', as without TLS. */
    DISABLE,
    /** SSLRequest answered 'S'; clients that do not ask stay in the clear. */
    ALLOW,
    /** As allow, and a client that does not ask for TLS is refused. */
    REQUIRE
}
