package io.orisun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module graph is the architecture: {@code api} depends on nothing but the JDK, the core modules depend only on
 * {@code api} among our modules and never on Helidon or gRPC, {@code transport} and {@code embedded} depend on no
 * module of ours but {@code api} and never on each other, and only {@code server} sees everything.
 */
class ModuleGraphTest {

    private static final Path MODULES = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> CORE = List.of("io.orisun.ccc", "io.orisun.publisher", "io.orisun.index", "io.orisun.auth");
    /** Modules that serve the server alone: the gRPC listener and the embedded child processes. */
    private static final List<String> EDGE = List.of("io.orisun.transport", "io.orisun.embedded");

    private static Map<String, ModuleDescriptor> descriptors() {
        Path[] classes = List.of("api", "ccc", "publisher", "index-admin", "auth", "transport", "embedded", "server").stream()
                .map(m -> MODULES.resolve(m).resolve("target/classes"))
                .filter(Files::isDirectory)
                .toArray(Path[]::new);
        return ModuleFinder.of(classes).findAll().stream()
                .map(reference -> reference.descriptor())
                .collect(Collectors.toMap(ModuleDescriptor::name, d -> d));
    }

    private static Set<String> requires(ModuleDescriptor descriptor) {
        return descriptor.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
    }

    @Test
    void every_module_of_the_architecture_is_a_named_module_exporting_one_package() {
        Map<String, ModuleDescriptor> modules = descriptors();
        assertThat(modules).containsKeys("io.orisun.api", "io.orisun.ccc", "io.orisun.publisher", "io.orisun.index",
                "io.orisun.auth", "io.orisun.transport", "io.orisun.embedded", "io.orisun.server");
        modules.values().forEach(m -> assertThat(m.exports()).as("exports of %s", m.name()).hasSize(1));
    }

    @Test
    void api_depends_on_nothing_but_the_jdk() {
        assertThat(requires(descriptors().get("io.orisun.api"))).containsOnly("java.base", "java.sql");
    }

    @Test
    void core_modules_depend_on_api_and_never_on_each_other_or_on_the_server_stack() {
        Map<String, ModuleDescriptor> modules = descriptors();
        for (String core : CORE) {
            Set<String> requires = requires(modules.get(core));
            assertThat(requires).as("%s requires io.orisun.api", core).contains("io.orisun.api");
            assertThat(requires.stream().filter(r -> r.startsWith("io.orisun.")))
                    .as("our modules that %s requires", core).containsOnly("io.orisun.api");
            assertThat(requires.stream().filter(r -> r.startsWith("io.helidon") || r.startsWith("io.grpc")
                    || r.startsWith("com.google.protobuf")))
                    .as("server-stack modules that %s requires", core).isEmpty();
        }
    }

    @Test
    void transport_and_embedded_depend_on_no_module_of_ours_but_api() {
        Map<String, ModuleDescriptor> modules = descriptors();
        for (String edge : EDGE) {
            assertThat(requires(modules.get(edge)).stream().filter(r -> r.startsWith("io.orisun.")))
                    .as("our modules that %s requires", edge).isSubsetOf("io.orisun.api");
        }
    }

    @Test
    void embedded_knows_nothing_of_helidon_grpc_or_protobuf() {
        assertThat(requires(descriptors().get("io.orisun.embedded")).stream().filter(r -> r.startsWith("io.helidon")
                || r.startsWith("io.grpc") || r.startsWith("com.google.protobuf")))
                .as("server-stack modules that io.orisun.embedded requires").isEmpty();
    }

    @Test
    void only_the_server_depends_on_transport_and_embedded() {
        Map<String, ModuleDescriptor> modules = descriptors();
        assertThat(requires(modules.get("io.orisun.server"))).containsAll(EDGE);
        for (ModuleDescriptor module : modules.values()) {
            if (!module.name().equals("io.orisun.server")) {
                assertThat(requires(module)).as("modules of ours that %s requires", module.name())
                        .doesNotContainAnyElementsOf(EDGE);
            }
        }
    }
}
