package io.orisun.auth;

import io.orisun.api.InvalidRequest;
import io.orisun.api.OrisunException;

/** The rules for usernames and display names, and how client-chosen text is shown in messages and logs. */
final class Names {

    /** The shortest username, after surrounding blanks are removed. */
    static final int MIN_USERNAME_LENGTH = 3;
    /** The longest username. */
    static final int MAX_USERNAME_LENGTH = 128;
    /** The longest display name. */
    static final int MAX_NAME_LENGTH = 256;

    private Names() {
    }

    /**
     * The username with surrounding blanks removed.
     *
     * @throws InvalidRequest when it is too short or too long, or holds a control character or a colon (which
     *                        Basic authentication could not carry)
     */
    static String username(String username) {
        String stripped = username == null ? "" : username.strip();
        if (stripped.length() < MIN_USERNAME_LENGTH) {
            throw new InvalidRequest("username must have at least " + MIN_USERNAME_LENGTH + " characters");
        }
        if (stripped.length() > MAX_USERNAME_LENGTH) {
            throw new InvalidRequest("username must have at most " + MAX_USERNAME_LENGTH + " characters");
        }
        if (stripped.indexOf(':') >= 0 || hasControlCharacter(stripped)) {
            throw new InvalidRequest("username must not contain ':' or control characters");
        }
        return stripped;
    }

    /**
     * The display name with surrounding blanks removed.
     *
     * @throws InvalidRequest when it is blank, too long, or holds a control character
     */
    static String displayName(String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty()) {
            throw new InvalidRequest("name is required");
        }
        if (stripped.length() > MAX_NAME_LENGTH) {
            throw new InvalidRequest("name must have at most " + MAX_NAME_LENGTH + " characters");
        }
        if (hasControlCharacter(stripped)) {
            throw new InvalidRequest("name must not contain control characters");
        }
        return stripped;
    }

    /**
     * Client-chosen text made safe to put in a message or a log line: control characters become {@code ?} (so a
     * name cannot forge log lines) and long text is shortened.
     */
    static String printable(String text) {
        return OrisunException.echo(text);
    }

    private static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
