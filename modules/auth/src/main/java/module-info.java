/**
 * Users, roles and authentication. Users live as events in the admin boundary, written through the api's
 * {@code EventLog} port with the consistency check, and are projected into a lookup table beside it. The module
 * checks Basic credentials (bcrypt, behind a cache keyed by a hash of the credential), issues and verifies signed
 * session tokens that work on every node and across restarts, and slows down repeated failures per username.
 */
module io.orisun.auth {
    requires io.orisun.api;
    requires java.sql;
    requires bcrypt;
    requires com.fasterxml.jackson.databind;

    exports io.orisun.auth;
}
