package io.github.bootkernel.junit;

import io.github.bootkernel.kernels.CachedFile;
import io.github.bootkernel.kernels.DebianKernels;
import io.github.bootkernel.kernels.KernelIndex;
import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import io.github.bootkernel.kernels.probe.ProbeKernel;
import io.github.bootkernel.kernels.tiny.TinyKernels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns the kernel and initramfs names of {@link BootKernel} into files: user ids from the
 * configuration first, then the built-in ids of the {@code kernels} module, then paths.
 */
final class Images {

    static final String PROBE = "probe";
    static final String DEBIAN_CLOUD = "debian-cloud";
    static final String DEBIAN_GENERIC = "debian-generic";
    static final String TINY = TinyKernels.TINY;
    static final String TINY_KUNIT = TinyKernels.KUNIT;
    static final String BUSYBOX = "busybox";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Images.class);

    private Images() {
    }

    /** A kernel to boot and the short name that test names and messages use for it. */
    record Kernel(String name, Path path) {
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
        switch (entry) {
            case PROBE:
                return new Kernel(entry, ProbeKernel.image());
            case DEBIAN_CLOUD:
                return new Kernel(entry, DebianKernels.cloud().path());
            case DEBIAN_GENERIC:
                return new Kernel(entry, DebianKernels.generic().path());
            case TINY:
            case TINY_KUNIT:
                return new Kernel(entry, TinyKernels.get(entry).path());
            default:
                if (isPath(entry)) {
                    return new Kernel(name(entry), Path.of(entry));
                }
                Optional<CachedFile> indexed = KernelIndex.lookup(entry);
                if (indexed.isPresent()) {
                    return new Kernel(entry, indexed.get().path());
                }
                throw new ExtensionConfigurationException("unknown kernel '" + entry + "': built-in ids are "
                        + String.join(", ", PROBE, DEBIAN_CLOUD, DEBIAN_GENERIC, TINY) + " and " + TINY_KUNIT
                        + "; define more with "
                        + Settings.KERNEL_ID_PREFIX + entry + "=PATH or an entry " + entry + ".file=PATH in "
                        + KernelIndex.file() + ", or give the path of a bzImage");
        }
    }

    /**
     * Resolves an initramfs entry; the generated busybox image is written once per test run into
     * a temporary file, deleted when the run ends.
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
        if (entry.equals(BUSYBOX)) {
            // The root store is shared by the whole run; computeIfAbsent is atomic, so parallel
            // tests build the image once, and the store deletes it when the run ends.
            return Optional.of(context.getRoot().getStore(NAMESPACE)
                    .computeIfAbsent(BUSYBOX, k -> GeneratedFile.busybox(), GeneratedFile.class).path());
        }
        if (isPath(entry)) {
            return Optional.of(Path.of(entry));
        }
        throw new ExtensionConfigurationException("unknown initramfs '" + entry + "': the built-in id is "
                + BUSYBOX + "; define more with " + Settings.INITRAMFS_ID_PREFIX + entry
                + "=PATH, or give the path of a cpio archive");
    }

    private static boolean isPath(String entry) {
        return entry.indexOf('/') >= 0 || Files.exists(Path.of(entry));
    }

    /** A file made for this run, deleted when the root store closes. */
    record GeneratedFile(Path path) implements AutoCloseable {

        static GeneratedFile busybox() {
            Path file;
            try {
                file = Files.createTempFile("bootkernel-busybox-", ".cpio");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary file for the busybox initramfs", e);
            }
            GeneratedFile generated = new GeneratedFile(file);
            try {
                BusyboxInitramfs.create().withExitStatusHelper().build().writeTo(file);
                return generated;
            } catch (RuntimeException | Error e) {
                try {
                    generated.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            Files.deleteIfExists(path);
        }
    }
}
