package io.orisun.server.config;

import java.util.Objects;

/**
 * Logging.
 *
 * @param level  the least severe level logged ({@code WARN} in the environment is {@link System.Logger.Level#WARNING})
 * @param format how log records are written
 */
public record LoggingConfig(System.Logger.Level level, Format format) {

    /** The shape of each log line. */
    public enum Format {
        /** One human-readable line per record. */
        TEXT,
        /** One JSON object per line, for log collectors. */
        JSON
    }

    public LoggingConfig {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(format, "format");
    }
}
