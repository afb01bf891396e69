package io.github.bootkernel.junit;

import io.github.bootkernel.kernels.FetchException;
import io.github.bootkernel.kernels.KernelConfig;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The configuration of a kernel about to boot, when one is known: a catalog kernel's
 * ({@code CatalogItem.config()}), else the file kept beside the kernel ({@link KernelConfig#beside}).
 * Looked up once per kernel file per launcher run (the root context's store), so a Debian kernel
 * cached before configurations were kept costs at most one attempt to fetch its configuration.
 */
final class KernelConfigs {

    private KernelConfigs() {
    }

    /**
     * A kernel's configuration, or why it is unknown.
     *
     * @param config the configuration, if known
     * @param unknownBecause why there is none, for messages; {@code ""} when known
     */
    record Lookup(Optional<KernelConfig> config, String unknownBecause) {
    }

    /**
     * Looks a kernel's configuration up.
     *
     * @throws ExtensionConfigurationException if a file beside the kernel is not a kernel configuration
     */
    static Lookup of(ExtensionContext context, Images.Kernel kernel) {
        return context.getRoot().getStore(Guests.NAMESPACE).computeIfAbsent("kernel config " + kernel.path(),
                key -> lookup(kernel), Lookup.class);
    }

    private static Lookup lookup(Images.Kernel kernel) {
        try {
            Optional<KernelConfig> config = kernel.item().isPresent()
                    ? kernel.item().get().config(System.out::println)
                    : KernelConfig.beside(kernel.path());
            return config.map(c -> new Lookup(Optional.of(c), "")).orElseGet(() -> new Lookup(Optional.empty(),
                    kernel.item().isPresent()
                            ? "the catalog keeps no configuration for " + kernel.item().get()
                            : "no configuration file beside " + kernel.path() + " (config-<suffix> for a kernel"
                                    + " named <name>-<suffix>, config, <kernel>.config, or a kernel tree's .config)"));
        } catch (FetchException e) {
            // Once per kernel and run: its guests boot unchecked, and a requirement on it cannot hold.
            System.out.println("bootkernel: the configuration of kernel " + kernel.name() + " is unknown, so its"
                    + " guests boot unchecked: " + e.getMessage());
            return new Lookup(Optional.empty(), e.getMessage());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new ExtensionConfigurationException("the configuration of kernel " + kernel.name() + " cannot be"
                    + " read: " + e.getMessage(), e);
        }
    }
}
