package io.orisun.server.observe;

import io.orisun.server.ShutdownSafeLogManager;
import io.orisun.server.config.LoggingConfig;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes every log line (ours, Helidon's, the drivers') through one console handler at the configured level, as
 * one human-readable line or one JSON object per record.
 */
public final class LogSetup {

    private LogSetup() {
    }

    public static void apply(LoggingConfig logging) {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Level level = julLevel(logging.level());
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(level);
        console.setFormatter(logging.format() == LoggingConfig.Format.JSON ? new JsonFormatter() : new TextFormatter());
        root.addHandler(console);
        root.setLevel(level);
        ShutdownSafeLogManager.configured();
        // Third-party libraries are chatty at INFO; keep them at WARNING unless debugging.
        if (level.intValue() > Level.FINE.intValue()) {
            Logger.getLogger("io.helidon").setLevel(Level.WARNING);
            Logger.getLogger("org.flywaydb").setLevel(Level.WARNING);
            Logger.getLogger("com.zaxxer.hikari").setLevel(Level.WARNING);
            Logger.getLogger("io.zonky").setLevel(Level.WARNING);
        }
    }

    private static Level julLevel(System.Logger.Level level) {
        return switch (level) {
            case ALL -> Level.ALL;
            case TRACE -> Level.FINEST;
            case DEBUG -> Level.FINE;
            case INFO -> Level.INFO;
            case WARNING -> Level.WARNING;
            case ERROR -> Level.SEVERE;
            case OFF -> Level.OFF;
        };
    }

    private static String levelName(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (value >= Level.WARNING.intValue()) {
            return "WARN";
        }
        if (value >= Level.INFO.intValue()) {
            return "INFO";
        }
        return value >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }

    private static final class TextFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(128)
                    .append(Instant.ofEpochMilli(record.getMillis())).append(' ')
                    .append(String.format("%-5s", levelName(record.getLevel()))).append(' ')
                    .append(shortName(record.getLoggerName())).append(" - ")
                    .append(formatMessage(record)).append(System.lineSeparator());
            if (record.getThrown() != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }

        private static String shortName(String logger) {
            if (logger == null) {
                return "-";
            }
            int dot = logger.lastIndexOf('.');
            return dot < 0 ? logger : logger.substring(dot + 1);
        }
    }

    private static final class JsonFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder json = new StringBuilder(160).append('{')
                    .append("\"time\":\"").append(Instant.ofEpochMilli(record.getMillis())).append("\",")
                    .append("\"level\":\"").append(levelName(record.getLevel())).append("\",")
                    .append("\"logger\":");
            appendString(json, String.valueOf(record.getLoggerName()));
            json.append(",\"message\":");
            appendString(json, formatMessage(record));
            if (record.getThrown() != null) {
                json.append(",\"error\":");
                appendString(json, record.getThrown().toString());
            }
            return json.append('}').append(System.lineSeparator()).toString();
        }

        private static void appendString(StringBuilder json, String value) {
            json.append('"');
            JsonStringEncoder.getInstance().quoteAsString(value, json);
            json.append('"');
        }
    }
}
