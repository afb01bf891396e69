package io.github.bootkernel.kernels.initramfs;

import io.github.bootkernel.kernels.Busybox;
import io.github.bootkernel.kernels.Cache;
import io.github.bootkernel.kernels.CachedFile;
import io.github.bootkernel.kernels.ExitStatusHelper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The ready-made {@code busybox-initramfs} item: {@link BusyboxInitramfs} with the exit-status
 * helper and the default {@code /init} (a shell on the console, or the script named by
 * {@code bootkernel.script=}), written once per busybox and helper version into the cache, for the
 * command-line tool and for people.
 */
public final class BusyboxImage {

    /** The item id. */
    public static final String ID = "busybox-initramfs";

    private BusyboxImage() {
    }

    /**
     * Writes the image if this busybox and helper have none yet.
     *
     * @return the cached image
     */
    public static CachedFile file() {
        CachedFile busybox = Busybox.staticBinary();
        CachedFile helper = ExitStatusHelper.binary();
        String version = busybox.version().replace(':', '_') + "+" + helper.version();
        Path dir = Cache.dir(ID).resolve(version);
        Path image = dir.resolve("initramfs.cpio");
        if (!Files.isRegularFile(image)) {
            try {
                Files.createDirectories(dir);
                Path temp = Files.createTempFile(dir, "initramfs", ".tmp");
                BusyboxInitramfs.create(busybox.path()).withExitStatusHelper(helper.path()).build().writeTo(temp);
                Files.move(temp, image, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + image, e);
            }
        }
        return new CachedFile(ID, image, version, "busybox " + busybox.version() + " and the exit-status helper "
                + helper.version() + ", packed by BusyboxInitramfs");
    }
}
