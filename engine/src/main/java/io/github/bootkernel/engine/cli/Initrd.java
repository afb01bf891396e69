package io.github.bootkernel.engine.cli;

import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.StoredImages;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The initrd the tool boots: {@code --initrd} as given; without it, the catalog's busybox image
 * (whose {@code /init} starts the guest agent) when {@code --exec}, {@code --kernel-log} or
 * {@code --put} needs an image;
 * and the {@code --put} files appended to it as a second archive, the whole stored once per content
 * in the cache ({@link StoredImages}), so {@code --kernel K --exec CMD} just works, as
 * {@code vng -- CMD} does.
 */
final class Initrd {

    private Initrd() {
    }

    /**
     * Resolves, and if needed composes, the image.
     *
     * @param options the command line
     * @param progress where a first build of the busybox image reports its progress (stderr: stdout
     *     is the command's)
     * @return the file to boot, or empty for none
     * @throws IllegalArgumentException for a {@code --put} whose host path is missing or unusable
     * @throws UncheckedIOException if a file cannot be read or the image cannot be stored
     * @throws io.github.bootkernel.kernels.FetchException if the busybox image is not cached and
     *     cannot be made
     */
    static Optional<Path> of(Options options, PrintStream progress) {
        Optional<Path> given = options.config().initrd();
        if (given.isEmpty() && !options.agent() && options.puts().isEmpty()) {
            return Optional.empty();
        }
        Path base = given.orElseGet(() -> Catalog.BUSYBOX_INITRAMFS.get(line -> progress.println("bootkernel: " + line))
                .path());
        if (options.puts().isEmpty()) {
            return Optional.of(base);
        }
        try {
            return Optional.of(StoredImages.compose(Optional.of(base), options.puts()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--put: " + e.getMessage(), e);
        }
    }
}
