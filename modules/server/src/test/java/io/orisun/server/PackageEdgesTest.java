package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The edges between the packages inside {@code server}, read from the compiled classes: every type a class of a
 * package names in its constant pool (signatures included, string literals not) must come from a package that
 * package may use. {@link ModuleGraphTest} checks the edges between modules.
 */
class PackageEdgesTest {

    private static final Path CLASSES = Path.of("target/classes/io/orisun/server");
    private static final String SERVER = "io/orisun/server";
    private static final List<String> PROTO_AND_GRPC = List.of("io/orisun/proto", "io/grpc", "com/google/protobuf");
    private static final List<String> HELIDON = List.of("io/helidon");
    private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9_]*(?:/[A-Za-z0-9_$]+)+");

    @Test
    void the_catalog_knows_nothing_of_proto_grpc_or_helidon() throws IOException {
        assertThat(references("catalog")).filteredOn(p -> startsWithAny(p, PROTO_AND_GRPC) || startsWithAny(p, HELIDON))
                .isEmpty();
    }

    @Test
    void the_web_port_knows_nothing_of_proto_or_grpc_and_does_not_go_through_the_rpc_layer() throws IOException {
        assertThat(references("web")).filteredOn(p -> startsWithAny(p, PROTO_AND_GRPC)
                || p.equals(SERVER + "/rpc")).isEmpty();
    }

    @Test
    void the_rpc_layer_does_not_use_the_web_port() throws IOException {
        assertThat(references("rpc")).doesNotContain(SERVER + "/web");
    }

    @Test
    void the_configuration_knows_nothing_of_helidon_or_grpc() throws IOException {
        assertThat(references("config")).filteredOn(p -> startsWithAny(p, PROTO_AND_GRPC) || startsWithAny(p, HELIDON))
                .isEmpty();
    }

    @Test
    void the_reading_of_class_files_sees_the_references_that_exist() throws IOException {
        assertThat(references("rpc")).contains("io/orisun/proto", "io/grpc", SERVER + "/catalog", "java/util");
        assertThat(references("web")).contains("io/helidon/webserver/http", SERVER + "/catalog", "io/orisun/api");
        assertThat(references("catalog")).contains("io/orisun/api", "com/fasterxml/jackson/databind")
                .doesNotContain("java/lang/String");
    }

    /** The packages (in internal form, {@code a/b/c}) of every type the classes of {@code pkg} refer to. */
    private static Set<String> references(String pkg) throws IOException {
        Path dir = CLASSES.resolve(pkg);
        assertThat(dir).as("compiled classes of package %s", pkg).isDirectory();
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (String name : typeNames(in)) {
                        packages.add(name.substring(0, name.lastIndexOf('/')));
                    }
                }
            }
        }
        assertThat(packages).as("references of package %s", pkg).isNotEmpty();
        return packages;
    }

    /**
     * The type names in a class file's constant pool: the text entries other than string literals, searched for
     * names of the form {@code a/b/C}, which covers class entries, descriptors and generic signatures.
     */
    private static Set<String> typeNames(InputStream file) throws IOException {
        DataInputStream in = new DataInputStream(file);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] texts = new String[count];
        Set<Integer> literals = new HashSet<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> texts[i] = in.readUTF();
                case 8 -> literals.add(in.readUnsignedShort());
                case 7, 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        Set<String> names = new HashSet<>();
        for (int i = 1; i < count; i++) {
            if (texts[i] != null && !literals.contains(i)) {
                Matcher matcher = TYPE_NAME.matcher(texts[i]);
                while (matcher.find()) {
                    names.add(matcher.group());
                }
            }
        }
        return names;
    }

    private static boolean startsWithAny(String pkg, List<String> prefixes) {
        return prefixes.stream().anyMatch(prefix -> pkg.equals(prefix) || pkg.startsWith(prefix + "/"));
    }
}
