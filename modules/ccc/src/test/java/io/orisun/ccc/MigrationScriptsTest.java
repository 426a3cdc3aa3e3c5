package io.orisun.ccc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MigrationScriptsTest {

    @Test
    void lists_exactly_the_migration_files_of_the_package() throws IOException, URISyntaxException {
        Path directory = Path.of(MigrationScripts.class.getResource("V1__event_log.sql").toURI()).getParent();
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(file -> file.getFileName().toString()).filter(name -> name.matches("[VUR].*\\.sql")))
                    .containsExactlyInAnyOrderElementsOf(MigrationScripts.NAMES);
        }
        assertThat(MigrationScripts.NAMES).isSortedAccordingTo((a, b) -> Integer.compare(version(a), version(b)));
    }

    @Test
    void serves_versioned_scripts_by_prefix_and_suffix_and_nothing_else() throws IOException {
        MigrationScripts scripts = new MigrationScripts();

        assertThat(scripts.getResources("V", new String[] {".sql"})).hasSize(MigrationScripts.NAMES.size());
        assertThat(scripts.getResources("R", new String[] {".sql"})).isEmpty();
        assertThat(scripts.getResources("V", new String[] {".java"})).isEmpty();
        assertThat(scripts.getResource("V9__missing.sql")).isNull();
        try (Reader reader = scripts.getResource("V1__event_log.sql").read()) {
            char[] start = new char[2];
            assertThat(reader.read(start)).isEqualTo(2);
            assertThat(new String(start)).isEqualTo("--");
        }
    }

    private static int version(String name) {
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }
}
