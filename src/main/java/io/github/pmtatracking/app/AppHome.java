package io.github.pmtatracking.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the application's own files are: {@code config/}, {@code routes/} and {@code data/}. The
 * {@code bin/} launchers set {@code -Dpmta.home} so that PowerMTA can start acct_etl from any
 * folder; otherwise it is the working directory.
 */
public record AppHome(Path dir) {

    public static AppHome detect() {
        String home = System.getProperty("pmta.home");
        if (home == null || home.isBlank()) {
            home = System.getenv("PMTA_HOME");
        }
        return new AppHome(Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize());
    }

    /** {@code config/application.properties}, or the file named by env {@code PMTA_CONFIG}. */
    public Path configFile() {
        String explicit = System.getenv("PMTA_CONFIG");
        return explicit != null && !explicit.isBlank() ? Path.of(explicit) : dir.resolve("config/application.properties");
    }

    /** The route file users edit, else the copy inside the jar. */
    public String routeLocation(String routeFile) {
        Path onDisk = dir.resolve("routes").resolve(routeFile);
        return Files.isRegularFile(onDisk) ? "file:" + onDisk : "classpath:routes/" + routeFile;
    }

    /** The {@code routes/} folder, when there is one (a bare jar uses its own copies). */
    public Optional<Path> routesDirectory() {
        Path routes = dir.resolve("routes");
        return Files.isDirectory(routes) ? Optional.of(routes) : Optional.empty();
    }

    /** A path setting: absolute as given, relative to the home folder otherwise. */
    public Path resolve(String path) {
        return dir.resolve(path);
    }
}
