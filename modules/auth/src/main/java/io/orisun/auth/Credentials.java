package io.orisun.auth;

import io.orisun.api.Unauthenticated;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/** What a client presents to authenticate: a username and password, or a session token. */
public sealed interface Credentials {

    /** The longest {@code authorization} header or token accepted; longer ones are refused unread. */
    int MAX_LENGTH = 1024;

    /** A username and password, as sent with HTTP Basic authentication. */
    record Basic(String username, String password) implements Credentials {
        public Basic {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        /** Like the generated form, with the password masked. */
        @Override
        public String toString() {
            return "Basic[username=" + Names.printable(username) + ", password=****]";
        }
    }

    /** A session token, as sent in {@code x-auth-token}. */
    record Token(String token) implements Credentials {
        public Token {
            Objects.requireNonNull(token, "token");
        }

        /** Masks the token, which is a bearer secret. */
        @Override
        public String toString() {
            return "Token[****]";
        }
    }

    /**
     * Parses an {@code authorization} header of the form {@code Basic base64(username:password)}: the scheme is
     * case-insensitive, the payload is standard Base64 of UTF-8 text, and the username ends at the first colon.
     *
     * @throws Unauthenticated with {@link Authenticator#INVALID_CREDENTIALS} when the header is anything else
     */
    static Basic basic(String authorization) {
        Objects.requireNonNull(authorization, "authorization");
        String header = authorization.strip();
        if (header.length() > MAX_LENGTH || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new Unauthenticated(Authenticator.INVALID_CREDENTIALS);
        }
        String text;
        try {
            byte[] decoded = Base64.getDecoder().decode(header.substring(6).strip());
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded))
                    .toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new Unauthenticated(Authenticator.INVALID_CREDENTIALS);
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new Unauthenticated(Authenticator.INVALID_CREDENTIALS);
        }
        return new Basic(text.substring(0, colon), text.substring(colon + 1));
    }

    /** A token as sent in {@code x-auth-token}, stripped of surrounding blanks. */
    static Token token(String token) {
        return new Token(token.strip());
    }
}
