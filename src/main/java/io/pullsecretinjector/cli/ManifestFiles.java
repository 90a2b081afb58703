package io.pullsecretinjector.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns the paths given on the command line into the files to read, as {@code kubectl apply -R -f}
 * does: a file is read whatever its name, a directory is walked recursively for {@code *.yaml},
 * {@code *.yml} and {@code *.json} files (in name order, so the output is the same on every run),
 * and {@code -} is standard input.
 */
final class ManifestFiles {

    /** The name standard input goes by in messages and in the report. */
    static final String STDIN = "(stdin)";

    /**
     * What one argument names.
     *
     * @param files   the files to read, in order ({@code -} for standard input)
     * @param problem why nothing can be read from it (it does not exist, a directory holds no manifest), or null
     */
    record Expanded(List<String> files, String problem) {
    }

    private ManifestFiles() {
    }

    /** Expands one argument; {@code what} says in a problem what the argument should have been. */
    static Expanded expand(String argument, String what) {
        if ("-".equals(argument)) {
            return new Expanded(List.of("-"), null);
        }
        Path path = Path.of(argument);
        if (Files.isRegularFile(path)) {
            return new Expanded(List.of(argument), null);
        }
        if (!Files.isDirectory(path)) {
            return new Expanded(List.of(), "does not exist (" + what + ")");
        }
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(path)) {
            walk.filter(Files::isRegularFile).filter(ManifestFiles::isManifest).map(Path::toString).sorted().forEach(files::add);
        } catch (IOException | UncheckedIOException e) {
            return new Expanded(List.of(), "cannot be read: " + e.getMessage());
        }
        if (files.isEmpty()) {
            return new Expanded(List.of(), "is a directory with no *.yaml, *.yml or *.json file in it or below; point at the directory that holds the manifests");
        }
        return new Expanded(files, null);
    }

    /** Opens a file of {@link #expand}; closing standard input leaves it open, so {@code - -} finds it empty, not closed. */
    static InputStream open(String file, InputStream stdin) throws IOException {
        if ("-".equals(file)) {
            return new FilterInputStream(stdin) {
                @Override
                public void close() {
                }
            };
        }
        return Files.newInputStream(Path.of(file));
    }

    private static boolean isManifest(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }
}
