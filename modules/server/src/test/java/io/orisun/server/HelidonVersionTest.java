package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The workarounds in {@code docs/contributors/helidon-workarounds.md} were verified against one Helidon version; a different
 * Helidon on the class path fails here, so that an upgrade re-checks each workaround before the page is updated.
 */
class HelidonVersionTest {

    @Test
    void the_helidon_on_the_class_path_is_the_version_the_workarounds_were_verified_against() throws Exception {
        String page = Files.readString(Path.of("../../docs/contributors/helidon-workarounds.md"));
        Matcher verified = Pattern.compile("Helidon SE \\*\\*([0-9][0-9.A-Za-z-]*)\\*\\*").matcher(page);
        assertThat(verified.find()).as("the page names the Helidon version its workarounds were verified against")
                .isTrue();
        assertThat(io.helidon.common.Version.VERSION)
                .as("Helidon was upgraded: re-run the retirement test of each entry of docs/contributors/helidon-workarounds.md,"
                        + " drop the workarounds it no longer needs, and update the version there")
                .isEqualTo(verified.group(1));
    }
}
