package io.orisun.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version, commit and build time baked into the server at build time. */
public record BuildInfo(String version, String gitCommit, String buildTime) {

    private static final BuildInfo CURRENT = load();

    public static BuildInfo current() {
        return CURRENT;
    }

    private static BuildInfo load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the build information", e);
        }
        return new BuildInfo(properties.getProperty("version", "dev"), properties.getProperty("git.commit", "unknown"),
                properties.getProperty("build.time", "unknown"));
    }
}
