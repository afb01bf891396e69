/**
 * Kernels and initramfs images by id, fetched or built once and cached: Debian's stock kernels,
 * the {@code tiny} kernels built from Debian's kernel source, the {@code probe} test double, and
 * the {@code Initramfs} builder. Start with {@link io.github.bootkernel.kernels.Catalog}.
 *
 * <p>Exported: {@code io.github.bootkernel.kernels} (the catalog, cached items, the cache and
 * index, {@code Prepare}), {@code io.github.bootkernel.kernels.initramfs} (the cpio builder) and
 * {@code io.github.bootkernel.kernels.probe} (the probe guest and what it prints). Internal: how
 * items are produced and stored (apt, gcc, the kernel build, locks, atomic writes).
 */
module io.github.bootkernel.kernels {
    exports io.github.bootkernel.kernels;
    exports io.github.bootkernel.kernels.initramfs;
    exports io.github.bootkernel.kernels.probe;
}
