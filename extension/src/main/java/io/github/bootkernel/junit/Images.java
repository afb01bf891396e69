package io.github.bootkernel.junit;

import io.github.bootkernel.kernels.CachedFile;
import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.CatalogItem;
import io.github.bootkernel.kernels.KernelIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns the kernel and initramfs names of {@link BootKernel} into files: user ids from the
 * configuration first, then the built-in ids of the kernels module's {@link Catalog}, then
 * paths, then (kernels only) ids listed in the {@link KernelIndex}.
 */
final class Images {

    private Images() {
    }

    /**
     * A kernel to boot, the short name that test names and messages use for it, and its catalog
     * item when it is a built-in kernel.
     */
    record Kernel(String name, Path path, Optional<CatalogItem> item) {

        Kernel(String name, Path path) {
            this(name, path, Optional.empty());
        }
    }

    /**
     * The short name of a kernel entry without fetching or building anything: the id itself, or a
     * path's file name.
     */
    static String name(String entry) {
        if (isPath(entry)) {
            Path file = Path.of(entry).getFileName();
            return file == null ? entry : file.toString();
        }
        return entry;
    }

    /**
     * Resolves a kernel entry, fetching or building a built-in kernel on first use.
     *
     * @throws ExtensionConfigurationException for an unknown id
     */
    static Kernel kernel(ExtensionContext context, String entry) {
        Optional<String> configured = Settings.kernelId(context, entry);
        if (configured.isPresent()) {
            return new Kernel(entry, Path.of(configured.get()));
        }
        Optional<CatalogItem> builtIn = builtIn(entry, CatalogItem.Kind.KERNEL);
        if (builtIn.isPresent()) {
            return new Kernel(entry, builtIn.get().get().path(), builtIn);
        }
        if (isPath(entry)) {
            return new Kernel(name(entry), Path.of(entry));
        }
        Optional<CachedFile> indexed = KernelIndex.lookup(entry);
        if (indexed.isPresent()) {
            return new Kernel(entry, indexed.get().path());
        }
        throw new ExtensionConfigurationException("unknown kernel '" + entry + "': built-in ids are "
                + Catalog.names(CatalogItem.Kind.KERNEL) + "; define more with " + Settings.KERNEL_ID_PREFIX + entry
                + "=PATH or an entry " + entry + ".file=PATH in " + KernelIndex.file()
                + ", or give the path of a bzImage");
    }

    /**
     * Resolves an initramfs entry, packing a built-in image into the cache on first use.
     *
     * @return the file, or empty for {@code ""}
     * @throws ExtensionConfigurationException for an unknown id
     */
    static Optional<Path> initramfs(ExtensionContext context, String entry) {
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> configured = Settings.initramfsId(context, entry);
        if (configured.isPresent()) {
            return Optional.of(Path.of(configured.get()));
        }
        Optional<CatalogItem> builtIn = builtIn(entry, CatalogItem.Kind.INITRAMFS);
        if (builtIn.isPresent()) {
            return Optional.of(builtIn.get().get().path());
        }
        if (isPath(entry)) {
            return Optional.of(Path.of(entry));
        }
        throw new ExtensionConfigurationException("unknown initramfs '" + entry + "': the built-in ids are "
                + Catalog.names(CatalogItem.Kind.INITRAMFS) + "; define more with " + Settings.INITRAMFS_ID_PREFIX
                + entry + "=PATH, or give the path of a cpio archive");
    }

    /** A catalog item of the wanted kind; an item of another kind is a configuration error. */
    private static Optional<CatalogItem> builtIn(String entry, CatalogItem.Kind kind) {
        Optional<CatalogItem> item = Catalog.find(entry);
        if (item.isPresent() && item.get().kind() != kind) {
            throw new ExtensionConfigurationException("'" + entry + "' is a built-in " + item.get().kind().words()
                    + ", not a " + kind.words() + ": " + item.get().description());
        }
        return item;
    }

    private static boolean isPath(String entry) {
        return entry.indexOf('/') >= 0 || Files.exists(Path.of(entry));
    }
}
