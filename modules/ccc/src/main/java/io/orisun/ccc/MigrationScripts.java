package io.orisun.ccc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32;
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
    static final List<String> NAMES = List.of("V1__event_log.sql", "V2__set_based_save.sql", "V3__linear_check.sql",
            "V4__generic_plans.sql");

    /**
     * A row of a boundary's schema history as Flyway writes it once a migration has succeeded, for the cheap check
     * of {@link BoundarySchema} that skips Flyway when the history already holds every migration unchanged.
     */
    record Applied(String version, String description, String script, int checksum) {

        /**
         * The row of the script {@code name} ({@code V<version>__<description>.sql}). The checksum is Flyway's: a
         * CRC-32 over the UTF-8 bytes of each line without its line break, a byte-order mark dropped. Should the
         * two ever differ, the check only sees a mismatch and lets Flyway run, which validates as before.
         */
        static Applied of(String name) {
            String stem = name.substring(1, name.length() - ".sql".length());
            int separator = stem.indexOf("__");
            CRC32 crc = new CRC32();
            try (BufferedReader lines = new BufferedReader(new Script(name).read())) {
                String line = lines.readLine();
                if (line != null && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                for (; line != null; line = lines.readLine()) {
                    crc.update(line.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the migration " + name, e);
            }
            return new Applied(stem.substring(0, separator), stem.substring(separator + 2).replace('_', ' '), name,
                    (int) crc.getValue());
        }
    }

    /** The history rows of every migration of {@link #NAMES}, in version order. */
    static List<Applied> history() {
        return History.ROWS;
    }

    /** Computed once per JVM, on first use. */
    private static final class History {
        static final List<Applied> ROWS = NAMES.stream().map(Applied::of).toList();
    }

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
