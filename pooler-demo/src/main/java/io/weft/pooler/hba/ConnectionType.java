package io.weft.pooler.hba;

/** The first column of an hba line: which TCP connections the line is about. */
public enum ConnectionType {
    /** Any TCP connection, encrypted or not. */
    HOST("host"),
    /** Only connections encrypted with TLS. */
    HOSTSSL("hostssl"),
    /** Only connections in the clear. */
    HOSTNOSSL("hostnossl");

    private final String configName;

    ConnectionType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    boolean matches(boolean encrypted) {
        return this == HOST || (this == HOSTSSL) == encrypted;
    }
}
