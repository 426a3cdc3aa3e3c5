package io.orisun.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of the client's manual, {@code modules/client/README.md}, is code that compiles: it appears, line
 * for line (indentation aside), in one of the example classes, and the money-transfer example appears whole.
 */
class ClientReadmeTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path EXAMPLES = ROOT.resolve("modules/client/src/test/java/io/orisun/client/example");

    private static List<String> normalised(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private static List<List<String>> snippets() throws IOException {
        String readme = Files.readString(ROOT.resolve("modules/client/README.md"));
        List<List<String>> snippets = new ArrayList<>();
        int from = 0;
        while ((from = readme.indexOf("```java\n", from)) >= 0) {
            int close = readme.indexOf("\n```", from);
            snippets.add(normalised(readme.substring(from + "```java\n".length(), close)));
            from = close + 4;
        }
        return snippets;
    }

    @Test
    void every_java_snippet_of_the_client_readme_is_part_of_a_compiled_example() throws IOException {
        List<List<String>> sources = new ArrayList<>();
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.add(normalised(Files.readString(file)));
            }
        }
        List<List<String>> snippets = snippets();
        assertThat(snippets).hasSizeGreaterThanOrEqualTo(3);
        for (List<String> snippet : snippets) {
            assertThat(sources.stream().anyMatch(source -> Collections.indexOfSubList(source, snippet) >= 0))
                    .as("client README snippet starting with '%s' is in an example class", snippet.getFirst()).isTrue();
        }
    }

    @Test
    void the_money_transfer_example_appears_whole() throws IOException {
        List<String> example = normalised(Files.readString(EXAMPLES.resolve("MoneyTransfer.java")));
        assertThat(snippets()).contains(example);
    }
}
