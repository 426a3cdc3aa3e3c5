package io.orisun.ccc;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Hands this module's migrations to Flyway. Flyway's own scanner reads resources through a class loader, which
 * on the module path sees only unconditionally opened packages; reading them here, through a class of this
 * module, works on the class path and the module path alike and opens nothing.
 */
final class MigrationScripts implements ResourceProvider {

    /** Every migration, in version order. A new script must be listed here; a test compares the list with the files. */
    static final List<String> NAMES = List.of("V1__event_log.sql", "V2__set_based_save.sql");

    @Override
    public LoadableResource getResource(String name) {
        return NAMES.contains(name) ? new Script(name) : null;
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return NAMES.stream()
                .filter(name -> name.startsWith(prefix) && Arrays.stream(suffixes).anyMatch(name::endsWith))
                .<LoadableResource>map(Script::new)
                .toList();
    }

    private static final class Script extends LoadableResource {

        private final String name;

        Script(String name) {
            this.name = name;
        }

        @Override
        public Reader read() {
            InputStream in = MigrationScripts.class.getResourceAsStream(name);
            if (in == null) {
                throw new FlywayException("the migration " + name + " is missing from module io.orisun.ccc");
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return "io/orisun/ccc/" + name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return getAbsolutePath();
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
