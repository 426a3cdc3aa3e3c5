package io.orisun.client;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a fixed list of {@code host:port} targets, so that the channel's {@code round_robin} policy spreads
 * calls over all of them. Each address keeps its own host name as authority, which TLS checks against that
 * server's certificate. Host names are looked up again whenever the channel asks for a refresh (after a
 * connection failure).
 */
final class StaticTargets extends NameResolverProvider {

    static final String SCHEME = "orisun-static";

    /** The channel target naming {@code targets}. */
    static String target(List<HostAndPort> targets) {
        StringBuilder path = new StringBuilder();
        for (HostAndPort target : targets) {
            path.append(path.isEmpty() ? "" : ",").append(target.host()).append(':').append(target.port());
        }
        return SCHEME + ":///" + path;
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        List<HostAndPort> targets = new ArrayList<>();
        for (String part : targetUri.getPath().substring(1).split(",")) {
            targets.add(HostAndPort.parse(part));
        }
        return new Resolver(List.copyOf(targets));
    }

    /** One server's address, as given to the builder. */
    record HostAndPort(String host, int port) {
        HostAndPort {
            if (host == null || host.isBlank() || host.contains(",") || host.contains("/")) {
                throw new IllegalArgumentException("not a host name: " + host);
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("not a port: " + port);
            }
        }

        /** {@code host:port}, or {@code [v6]:port}. */
        static HostAndPort parse(String target) {
            int colon = target.lastIndexOf(':');
            if (colon <= 0 || colon == target.length() - 1) {
                throw new IllegalArgumentException("a target is host:port, got " + target);
            }
            String host = target.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                return new HostAndPort(host, Integer.parseInt(target.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a target is host:port, got " + target, e);
            }
        }
    }

    private static final class Resolver extends NameResolver {
        private final List<HostAndPort> targets;
        private Listener2 listener;

        Resolver(List<HostAndPort> targets) {
            this.targets = targets;
        }

        @Override
        public String getServiceAuthority() {
            return targets.getFirst().host();
        }

        @Override
        public void start(Listener2 listener) {
            this.listener = listener;
            resolve();
        }

        @Override
        public void refresh() {
            resolve();
        }

        private void resolve() {
            List<EquivalentAddressGroup> groups = new ArrayList<>();
            for (HostAndPort target : targets) {
                InetSocketAddress address = new InetSocketAddress(target.host(), target.port());
                if (address.isUnresolved()) {
                    continue;
                }
                Attributes attributes = Attributes.newBuilder()
                        .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, target.host()).build();
                groups.add(new EquivalentAddressGroup(List.<SocketAddress>of(address), attributes));
            }
            if (groups.isEmpty()) {
                listener.onError(Status.UNAVAILABLE.withDescription("none of the targets resolves: " + targets));
                return;
            }
            listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
        }

        @Override
        public void shutdown() {
        }
    }
}
