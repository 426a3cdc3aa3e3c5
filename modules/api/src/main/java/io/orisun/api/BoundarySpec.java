package io.orisun.api;

import java.util.regex.Pattern;

/**
 * A boundary as configured: its name, the PostgreSQL schema that holds its tables, a description, and the named
 * PostgreSQL server it is placed on ({@value #DEFAULT_SERVER} for the one the {@code ORISUN_PG_*} settings
 * describe). The names are validated identifiers, safe to quote into SQL.
 */
public record BoundarySpec(String name, String schema, String description, String server) {

    /** The name of the PostgreSQL server that {@code ORISUN_PG_*} describes, where unplaced boundaries live. */
    public static final String DEFAULT_SERVER = "default";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    /**
     * The longest boundary name: every table name is the boundary name plus a suffix of at most 37 characters,
     * and PostgreSQL truncates identifiers beyond 63 bytes.
     */
    public static final int MAX_NAME_LENGTH = 26;

    public BoundarySpec {
        requireBoundaryName(name);
        requireIdentifier("schema", schema);
        description = description == null ? "" : description;
        requireIdentifier("server", server);
    }

    /** A boundary on the {@value #DEFAULT_SERVER} server. */
    public BoundarySpec(String name, String schema, String description) {
        this(name, schema, description, DEFAULT_SERVER);
    }

    /** The same boundary placed on {@code server}. */
    public BoundarySpec onServer(String server) {
        return new BoundarySpec(name, schema, description, server);
    }

    /** Throws {@link InvalidRequest} unless {@code name} is a valid boundary name. */
    public static String requireBoundaryName(String name) {
        requireIdentifier("boundary", name);
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InvalidRequest("boundary name '" + OrisunException.echo(name) + "' is longer than " + MAX_NAME_LENGTH + " characters");
        }
        return name;
    }

    /** Throws {@link InvalidRequest} unless {@code value} matches {@code [A-Za-z_][A-Za-z0-9_]{0,62}}. */
    public static String requireIdentifier(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidRequest(what + " name is required");
        }
        if (!IDENTIFIER.matcher(value).matches()) {
            throw new InvalidRequest(what + " name '" + OrisunException.echo(value) + "' is not a valid identifier"
                    + " (letters, digits and '_', starting with a letter or '_', at most 63 characters)");
        }
        return value;
    }

    /** Double-quotes a validated identifier for SQL. */
    public static String quote(String identifier) {
        return '"' + identifier + '"';
    }
}
