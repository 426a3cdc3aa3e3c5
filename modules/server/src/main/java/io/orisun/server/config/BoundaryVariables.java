package io.orisun.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orisun.api.BoundarySpec;
import io.orisun.api.InvalidRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The boundaries of {@code ORISUN_PG_SCHEMAS} ({@code boundary:schema,...}) and {@code ORISUN_BOUNDARIES} (a JSON
 * array of names and descriptions), which must name the same boundaries when both are set.
 */
final class BoundaryVariables {

    private BoundaryVariables() {
    }

    /**
     * Reads {@code ORISUN_PG_SCHEMAS} and {@code ORISUN_BOUNDARIES} into boundary specs, in the order of
     * {@code ORISUN_BOUNDARIES} when it is set and of {@code ORISUN_PG_SCHEMAS} otherwise. Returns an empty list
     * when either is malformed (the problems are recorded).
     */
    static List<BoundarySpec> read(EnvReader in) {
        Map<String, String> schemas = readSchemas(in);
        if (!in.isSet(Setting.BOUNDARIES)) {
            return in.failed(Setting.PG_SCHEMAS) ? List.of() : schemas.entrySet().stream()
                    .map(e -> new BoundarySpec(e.getKey(), e.getValue(), "")).toList();
        }
        Map<String, String> described = readDescriptions(in);
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
        return described.entrySet().stream()
                .map(e -> new BoundarySpec(e.getKey(), schemas.get(e.getKey()), e.getValue())).toList();
    }

    /** {@code boundary:schema,...} to an ordered map from boundary to schema. */
    private static Map<String, String> readSchemas(EnvReader in) {
        Setting setting = Setting.PG_SCHEMAS;
        Map<String, String> schemas = new LinkedHashMap<>();
        for (String rawEntry : in.text(setting).split(",", -1)) {
            String entry = rawEntry.strip();
            if (entry.isEmpty()) {
                in.problem(setting, "has an empty entry (expected boundary:schema pairs separated by commas)");
                continue;
            }
            String[] parts = entry.split(":", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                in.problem(setting, "has the entry '" + EnvReader.printable(entry) + "', which is not boundary:schema");
                continue;
            }
            String boundary = parts[0].strip();
            String schema = parts[1].strip();
            try {
                BoundarySpec.requireBoundaryName(boundary);
                BoundarySpec.requireIdentifier("schema", schema);
            } catch (InvalidRequest e) {
                in.problem(setting, "is invalid: " + e.getMessage());
                continue;
            }
            if (schemas.putIfAbsent(boundary, schema) != null) {
                in.problem(setting, "maps boundary '" + boundary + "' more than once");
            }
        }
        return schemas;
    }

    /** The {@code ORISUN_BOUNDARIES} JSON array to an ordered map from boundary to description. */
    private static Map<String, String> readDescriptions(EnvReader in) {
        Setting setting = Setting.BOUNDARIES;
        String expected = "is not a JSON array of {\"name\": ..., \"description\": ...} objects";
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
        Map<String, String> described = new LinkedHashMap<>();
        for (JsonNode element : array) {
            JsonNode name = element.get("name");
            JsonNode description = element.get("description");
            if (!element.isObject() || name == null || !name.isTextual()
                    || (description != null && !description.isNull() && !description.isTextual())) {
                in.problem(setting, expected + " (element " + EnvReader.printable(element.toString())
                        + " needs a string \"name\" and an optional string \"description\")");
                continue;
            }
            try {
                BoundarySpec.requireBoundaryName(name.asText());
            } catch (InvalidRequest e) {
                in.problem(setting, "is invalid: " + e.getMessage());
                continue;
            }
            String text = description == null || description.isNull() ? "" : description.asText();
            if (described.putIfAbsent(name.asText(), text) != null) {
                in.problem(setting, "lists boundary '" + name.asText() + "' more than once");
            }
        }
        return described;
    }
}
