package io.weft.pooler.config;

/** A PostgreSQL server the pooler connects to. */
public record ServerAddress(String name, String host, int port) {
    @Override
    public String toString() {
        return name + " (" + host + ":" + port + ")";
    }
}
