package io.orisun.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Marks the static {@link TestServer} field of a test class that holds one node for all its tests: started (on a new
 * database and a new nats-server) before the class's {@code @BeforeAll} methods, closed after its {@code @AfterAll}
 * methods, whether the tests pass or not. Any test or lifecycle method of the class may also take the node as a
 * {@code TestServer} parameter.
 *
 * <pre>{@code
 * @SharedServer(environment = "ORISUN_PG_SCHEMAS=a:public,orisun_admin:admin")
 * private static TestServer node;
 * }</pre>
 *
 * <p>The node lives for one class, not for the whole run: classes start it with their own environment, and many
 * change what every caller of the node sees (users, boundaries, indexes, a killed nats-server), so sharing it across
 * classes would make their outcome depend on the order the classes run in. Starting a node takes about a second.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SharedServer.Lifecycle.class)
@interface SharedServer {

    /** Variables on top of the test defaults, each as {@code NAME=value}. */
    String[] environment() default {};

    /** Whether the node's spans go to {@link TestServer#spans()}. */
    boolean traced() default false;

    /** Starts and closes the node of the annotated field, and resolves {@code TestServer} parameters to it. */
    final class Lifecycle implements BeforeAllCallback, ParameterResolver {

        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Lifecycle.class);

        @Override
        public void beforeAll(ExtensionContext context) throws IllegalAccessException {
            Field field = annotatedField(context.getRequiredTestClass());
            SharedServer settings = field.getAnnotation(SharedServer.class);
            Map<String, String> environment = environment(settings);
            TestServer node = settings.traced() ? TestServer.startTraced(environment) : TestServer.start(environment);
            // Closed with the class's context, after every @AfterAll method, also when a test or @BeforeAll fails.
            context.getStore(NAMESPACE).put(Node.class, new Node(node));
            field.setAccessible(true);
            field.set(null, node);
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == TestServer.class;
        }

        @Override
        public TestServer resolveParameter(ParameterContext parameter, ExtensionContext context) {
            Node node = context.getStore(NAMESPACE).get(Node.class, Node.class);
            if (node == null) {
                throw new ExtensionConfigurationException("the shared node of " + context.getRequiredTestClass()
                        + " did not start");
            }
            return node.server();
        }

        private static Field annotatedField(Class<?> testClass) {
            List<Field> fields = Arrays.stream(testClass.getDeclaredFields())
                    .filter(field -> field.isAnnotationPresent(SharedServer.class)).toList();
            if (fields.size() != 1) {
                throw new ExtensionConfigurationException(testClass + " needs exactly one @SharedServer field, has "
                        + fields.size());
            }
            Field field = fields.getFirst();
            int modifiers = field.getModifiers();
            if (field.getType() != TestServer.class || !Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers)) {
                throw new ExtensionConfigurationException("@SharedServer field " + field
                        + " must be a static, non-final TestServer");
            }
            return field;
        }

        private static Map<String, String> environment(SharedServer settings) {
            Map<String, String> environment = new HashMap<>();
            for (String entry : settings.environment()) {
                int equals = entry.indexOf('=');
                if (equals <= 0) {
                    throw new ExtensionConfigurationException("@SharedServer environment entry '" + entry
                            + "' is not NAME=value");
                }
                environment.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
            return environment;
        }

        /** The running node, kept in the class's store, which closes it when the class is done. */
        private record Node(TestServer server) implements ExtensionContext.Store.CloseableResource {

            @Override
            public void close() {
                server.close();
            }
        }
    }
}
