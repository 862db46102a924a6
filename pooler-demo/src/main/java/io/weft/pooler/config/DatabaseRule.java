package io.weft.pooler.config;

/**
 * One line of the databases file: the pool sizes for connections of {@code user} to
 * {@code database}; either may be {@code all}.
 */
public record DatabaseRule(String database, String user, int maxSize, int initialSize, int minSize, int line) {
    public boolean matches(String db, String u) {
        return (database.equals("all") || database.equals(db)) && (user.equals("all") || user.equals(u));
    }
}
