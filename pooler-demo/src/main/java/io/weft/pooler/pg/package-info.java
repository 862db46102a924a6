/**
 * A throwaway PostgreSQL server and the PostgreSQL command-line tools, for the pooler's tests,
 * benchmarks and {@code ./weft pooler}.
 *
 * <ul>
 *   <li>{@link io.weft.pooler.pg.EmbeddedPostgres}: initdb into a temporary directory, a free
 *       loopback port, pg_hba.conf with trust / md5 / scram-sha-256 for 127.0.0.1 and ::1,
 *       durability off; started and stopped with pg_ctl, run as the {@code postgres} OS user when
 *       the JVM is root; helpers to create users and databases, run SQL and pgbench.</li>
 *   <li>{@link io.weft.pooler.pg.PgTools}: finds the PostgreSQL bin directory ({@code -Dweft.pg.bin},
 *       {@code PG_BIN}, the newest {@code /usr/lib/postgresql/N/bin}, PATH) and runs psql and pgbench
 *       as bounded subprocesses (timeout, then the whole process tree is killed).</li>
 *   <li>{@link io.weft.pooler.pg.PgbenchResult}: a pgbench run with its summary parsed (tps,
 *       transactions, latency, failures).</li>
 * </ul>
 */
package io.weft.pooler.pg;
