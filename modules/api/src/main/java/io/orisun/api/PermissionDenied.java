package io.orisun.api;

/** The caller is known but its roles do not allow the operation. */
public final class PermissionDenied extends OrisunException {

    public PermissionDenied(String message) {
        super(message);
    }

    public PermissionDenied(String message, Throwable cause) {
        super(message, cause);
    }
}
