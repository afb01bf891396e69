package io.github.bootkernel.engine.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The console samples under {@code src/test/resources/.../report}: real kernels' output, each
 * file opening with {@code ## } lines that say where it came from and what was replaced.
 */
final class Samples {

    private Samples() {
    }

    /** The console lines of a sample, its {@code ## } lines left out. */
    static List<String> lines(String name) {
        try (InputStream in = Samples.class.getResourceAsStream(name + ".txt")) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("## ")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
