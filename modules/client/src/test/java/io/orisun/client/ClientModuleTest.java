package io.orisun.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The client is a module of its own: the stubs and gRPC, never the server or the core modules, and no wire types. */
class ClientModuleTest {

    @Test
    void the_client_module_exports_one_package_and_requires_none_of_the_server_modules() {
        ModuleDescriptor client = ModuleFinder.of(Path.of("target/classes")).findAll().iterator().next().descriptor();
        assertThat(client.name()).isEqualTo("io.orisun.client");
        assertThat(client.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("io.orisun.client");
        assertThat(client.requires().stream().map(ModuleDescriptor.Requires::name).filter(r -> r.startsWith("io.orisun."))
                .collect(Collectors.toSet())).containsOnly("io.orisun.proto");
    }

    @Test
    void public_signatures_use_no_generated_wire_types() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : List.of(OrisunClient.class, OrisunClient.Builder.class, DurableConsumer.class,
                Event.class, EventToSave.class, Query.class, Criterion.class, Tag.class, Position.class)) {
            for (Method method : type.getMethods()) {
                if (!Modifier.isPublic(method.getModifiers())) {
                    continue;
                }
                Stream.concat(Stream.of(method.getReturnType()), Stream.of(method.getParameterTypes()))
                        .filter(t -> t.getPackageName().equals("io.orisun.proto"))
                        .forEach(t -> leaks.add(type.getSimpleName() + "." + method.getName() + " uses " + t.getName()));
            }
        }
        assertThat(leaks).isEmpty();
    }
}
