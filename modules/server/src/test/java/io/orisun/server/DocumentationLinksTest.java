package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of every Markdown page of the repository leads somewhere: the file or directory it names
 * exists, and a {@code #fragment} names a heading of the page it points to. Links to other sites are not checked.
 * Build output ({@code target/}), installed packages ({@code node_modules/}) and hidden directories are skipped.
 */
class DocumentationLinksTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    /** {@code [text](target)} and {@code ![alt](target)}, with an optional title after the target. */
    private static final Pattern LINK = Pattern.compile("!?\\[(?:[^\\]\\[]|\\[[^\\]]*])*]\\(\\s*<?([^)\\s>]+)>?"
            + "(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    record Link(String page, int line, String target) {
    }

    /** Whether {@code page}, relative to the root with {@code /} separators, lies outside the documentation. */
    static boolean skipped(String page) {
        for (String part : page.split("/")) {
            if (part.equals("target") || part.equals("node_modules") || (part.startsWith(".") && part.length() > 1)) {
                return true;
            }
        }
        return false;
    }

    static List<String> pages() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(file -> file.toString().endsWith(".md") && Files.isRegularFile(file))
                    .map(file -> ROOT.relativize(file).toString().replace('\\', '/'))
                    .filter(page -> !skipped(page))
                    .sorted()
                    .toList();
        }
    }

    /** The links of a page's prose, also those whose text spans lines: fenced code blocks and inline code are not links. */
    static List<Link> links(String page, String text) {
        StringBuilder prose = new StringBuilder();
        boolean fenced = false;
        for (String line : text.split("\n", -1)) {
            boolean fence = line.strip().startsWith("```");
            if (fence) {
                fenced = !fenced;
            }
            // Blank lines in place of code keep the line numbers of the prose.
            prose.append(fence || fenced ? "" : INLINE_CODE.matcher(line).replaceAll("")).append('\n');
        }
        List<Link> links = new ArrayList<>();
        Matcher matcher = LINK.matcher(prose);
        while (matcher.find()) {
            int line = 1 + (int) prose.substring(0, matcher.start()).chars().filter(c -> c == '\n').count();
            links.add(new Link(page, line, matcher.group(1)));
        }
        return links;
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
    static Set<String> anchors(String text) {
        Set<String> anchors = new HashSet<>();
        boolean fenced = false;
        for (String line : text.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (!fenced && heading.matches()) {
                String base = heading.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
                        .replace(' ', '-');
                String anchor = base;
                for (int n = 1; !anchors.add(anchor); n++) {
                    anchor = base + "-" + n;
                }
            }
        }
        return anchors;
    }

    /** What is wrong with {@code link}, or nothing. */
    static List<String> problems(Link link) throws IOException {
        String target = link.target();
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return List.of();
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String fragment = hash < 0 ? "" : target.substring(hash + 1);
        Path page = ROOT.resolve(link.page());
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        String where = link.page() + ":" + link.line() + ": " + target;
        if (!resolved.startsWith(ROOT)) {
            return List.of(where + " leaves the repository");
        }
        if (!Files.exists(resolved)) {
            return List.of(where + " names no file");
        }
        if (!fragment.isEmpty() && resolved.toString().endsWith(".md")
                && !anchors(Files.readString(resolved)).contains(fragment)) {
            return List.of(where + " names no heading of " + ROOT.relativize(resolved));
        }
        return List.of();
    }

    @Test
    void every_relative_link_of_the_documentation_resolves() throws IOException {
        List<String> pages = pages();
        assertThat(pages).contains("README.md", "docs/operators/configuration.md", "modules/client/README.md",
                "benchmarks/findings/README.md");
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (String page : pages) {
            for (Link link : links(page, Files.readString(ROOT.resolve(page)))) {
                problems.addAll(problems(link));
                checked++;
            }
        }
        assertThat(checked).as("links found").isGreaterThan(50);
        assertThat(problems).as("links that lead nowhere").isEmpty();
    }

    @Test
    void a_link_to_a_missing_file_or_heading_is_reported() throws IOException {
        String text = """
                [fine](docs/api.md#errors) [gone](docs/no-such-page.md) [bad anchor](docs/api.md#no-such-heading)
                [outside](https://example.com/x.md) `[code](nowhere.md)`
                ```
                [fenced](nowhere.md)
                ```
                [text over
                two lines](docs/gone-too.md)
                """;
        List<String> problems = new ArrayList<>();
        for (Link link : links("README.md", text)) {
            problems.addAll(problems(link));
        }
        assertThat(problems).containsExactly("README.md:1: docs/no-such-page.md names no file",
                "README.md:1: docs/api.md#no-such-heading names no heading of docs/api.md",
                "README.md:6: docs/gone-too.md names no file");
    }

    @Test
    void headings_become_anchors_as_github_makes_them() {
        assertThat(anchors("""
                # gRPC over HTTP/2
                ## A money transfer, the check-decide-record way
                ### Concurrent streams overdraw the connection window (`ConnectionWindowWriter`)
                ## Errors
                ## Errors
                """)).containsExactlyInAnyOrder("grpc-over-http2", "a-money-transfer-the-check-decide-record-way",
                "concurrent-streams-overdraw-the-connection-window-connectionwindowwriter", "errors", "errors-1");
    }
}
