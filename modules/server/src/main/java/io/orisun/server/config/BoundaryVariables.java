package io.orisun.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orisun.api.BoundarySpec;
import io.orisun.api.InvalidRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The boundaries of {@code ORISUN_PG_SCHEMAS} ({@code boundary:schema[:server],...}) and {@code ORISUN_BOUNDARIES}
 * (a JSON array of names, descriptions and servers), which must name the same boundaries when both are set, and
 * place a boundary on the same server when both place it.
 */
final class BoundaryVariables {

    /** A boundary's schema and, when the entry names one, its server. */
    private record Schema(String schema, Optional<String> server) {
    }

    /** A boundary's description and, when the element names one, its server. */
    private record Described(String description, Optional<String> server) {
    }

    private BoundaryVariables() {
    }

    /**
     * Reads {@code ORISUN_PG_SCHEMAS} and {@code ORISUN_BOUNDARIES} into boundary specs, in the order of
     * {@code ORISUN_BOUNDARIES} when it is set and of {@code ORISUN_PG_SCHEMAS} otherwise. Returns an empty list
     * when either is malformed (the problems are recorded). A boundary is placed on the server either variable
     * names, {@value BoundarySpec#DEFAULT_SERVER} when neither does.
     *
     * @param servers the servers a boundary may be placed on, {@value BoundarySpec#DEFAULT_SERVER} included
     */
    static List<BoundarySpec> read(EnvReader in, Set<String> servers) {
        Map<String, Schema> schemas = readSchemas(in, servers);
        if (!in.isSet(Setting.BOUNDARIES)) {
            return in.failed(Setting.PG_SCHEMAS) ? List.of() : schemas.entrySet().stream()
                    .map(e -> new BoundarySpec(e.getKey(), e.getValue().schema(), "",
                            e.getValue().server().orElse(BoundarySpec.DEFAULT_SERVER))).toList();
        }
        Map<String, Described> described = readDescriptions(in, servers);
        if (in.failed(Setting.PG_SCHEMAS) || in.failed(Setting.BOUNDARIES)) {
            return List.of();
        }
        List<String> mismatches = new ArrayList<>();
        for (String name : described.keySet()) {
            if (!schemas.containsKey(name)) {
                mismatches.add("boundary '" + name + "' is listed in ORISUN_BOUNDARIES but has no schema in"
                        + " ORISUN_PG_SCHEMAS");
            }
        }
        for (String name : schemas.keySet()) {
            if (!described.containsKey(name)) {
                mismatches.add("boundary '" + name + "' has a schema in ORISUN_PG_SCHEMAS but is not listed in"
                        + " ORISUN_BOUNDARIES");
            }
        }
        if (!mismatches.isEmpty()) {
            if (!in.isSet(Setting.PG_SCHEMAS)) {
                // Said once: a user who set only ORISUN_BOUNDARIES is surprised by boundaries they never named.
                mismatches.set(0, mismatches.getFirst() + " (ORISUN_PG_SCHEMAS is not set, so its default '"
                        + Setting.PG_SCHEMAS.defaultValue() + "' applies)");
            }
            mismatches.forEach(in::crossProblem);
            return List.of();
        }
        List<BoundarySpec> boundaries = new ArrayList<>();
        for (Map.Entry<String, Described> entry : described.entrySet()) {
            Schema schema = schemas.get(entry.getKey());
            Optional<String> server = entry.getValue().server().or(schema::server);
            if (schema.server().isPresent() && !schema.server().equals(server)) {
                in.crossProblem("boundary '" + entry.getKey() + "' is placed on server '" + schema.server().get()
                        + "' by ORISUN_PG_SCHEMAS but on '" + server.orElseThrow() + "' by ORISUN_BOUNDARIES");
                in.markFailed(Setting.BOUNDARIES);
                continue;
            }
            boundaries.add(new BoundarySpec(entry.getKey(), schema.schema(), entry.getValue().description(),
                    server.orElse(BoundarySpec.DEFAULT_SERVER)));
        }
        return in.failed(Setting.BOUNDARIES) ? List.of() : boundaries;
    }

    /** The server named by an entry of {@code setting}, when it is one of {@code servers}; else a problem. */
    private static Optional<String> server(EnvReader in, Setting setting, String boundary, String server,
                                           Set<String> servers) {
        if (servers.contains(server)) {
            return Optional.of(server);
        }
        in.problem(setting, "places boundary '" + boundary + "' on server '" + EnvReader.printable(server)
                + "', which is neither '" + BoundarySpec.DEFAULT_SERVER + "' nor listed in ORISUN_PG_SERVERS");
        return Optional.empty();
    }

    /** {@code boundary:schema[:server],...} to an ordered map from boundary to schema and server. */
    private static Map<String, Schema> readSchemas(EnvReader in, Set<String> servers) {
        Setting setting = Setting.PG_SCHEMAS;
        Map<String, Schema> schemas = new LinkedHashMap<>();
        for (String rawEntry : in.text(setting).split(",", -1)) {
            String entry = rawEntry.strip();
            if (entry.isEmpty()) {
                in.problem(setting, "has an empty entry (expected boundary:schema pairs separated by commas)");
                continue;
            }
            String[] parts = entry.split(":", -1);
            if (parts.length < 2 || parts.length > 3 || Arrays.stream(parts).anyMatch(String::isBlank)) {
                in.problem(setting, "has the entry '" + EnvReader.printable(entry) + "', which is not"
                        + " boundary:schema or boundary:schema:server");
                continue;
            }
            String boundary = parts[0].strip();
            String schema = parts[1].strip();
            Optional<String> server = Optional.empty();
            if (parts.length == 3) {
                server = server(in, setting, boundary, parts[2].strip(), servers);
                if (server.isEmpty()) {
                    continue;
                }
            }
            try {
                BoundarySpec.requireBoundaryName(boundary);
                BoundarySpec.requireIdentifier("schema", schema);
            } catch (InvalidRequest e) {
                in.problem(setting, "is invalid: " + e.getMessage());
                continue;
            }
            if (schemas.putIfAbsent(boundary, new Schema(schema, server)) != null) {
                in.problem(setting, "maps boundary '" + boundary + "' more than once");
            }
        }
        return schemas;
    }

    /** The {@code ORISUN_BOUNDARIES} JSON array to an ordered map from boundary to description and server. */
    private static Map<String, Described> readDescriptions(EnvReader in, Set<String> servers) {
        Setting setting = Setting.BOUNDARIES;
        String expected = "is not a JSON array of {\"name\": ..., \"description\": ..., \"server\": ...} objects";
        JsonNode array;
        try {
            array = new ObjectMapper().readTree(in.text(setting));
        } catch (JacksonException e) {
            in.problem(setting, expected + " (" + e.getOriginalMessage() + ")");
            return Map.of();
        }
        if (array == null || !array.isArray() || array.isEmpty()) {
            in.problem(setting, expected);
            return Map.of();
        }
        Map<String, Described> described = new LinkedHashMap<>();
        for (JsonNode element : array) {
            JsonNode name = element.get("name");
            JsonNode description = element.get("description");
            JsonNode serverNode = element.get("server");
            if (!element.isObject() || name == null || !name.isTextual()
                    || (description != null && !description.isNull() && !description.isTextual())
                    || (serverNode != null && !serverNode.isNull() && !serverNode.isTextual())) {
                in.problem(setting, expected + " (element " + EnvReader.printable(element.toString())
                        + " needs a string \"name\", an optional string \"description\" and an optional string"
                        + " \"server\")");
                continue;
            }
            Optional<String> server = Optional.empty();
            if (serverNode != null && !serverNode.isNull()) {
                server = server(in, setting, name.asText(), serverNode.asText().strip(), servers);
                if (server.isEmpty()) {
                    continue;
                }
            }
            try {
                BoundarySpec.requireBoundaryName(name.asText());
            } catch (InvalidRequest e) {
                in.problem(setting, "is invalid: " + e.getMessage());
                continue;
            }
            String text = description == null || description.isNull() ? "" : description.asText();
            if (described.putIfAbsent(name.asText(), new Described(text, server)) != null) {
                in.problem(setting, "lists boundary '" + name.asText() + "' more than once");
            }
        }
        return described;
    }
}
