package io.weft.pooler.lifecycle;

import io.weft.pooler.config.ConfigException;
import io.weft.pooler.config.PoolerConfig;

/** How a reload reads the configuration again (the file, with the command line's overrides if any). */
@FunctionalInterface
public interface ConfigLoader {
    PoolerConfig load() throws ConfigException;
}
