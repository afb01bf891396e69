/**
 * What a bootkernel guest boots, fetched or built once per machine and kept in the local
 * {@link io.github.bootkernel.kernels.Cache cache} ({@code ~/.cache/bootkernel}): the
 * {@link io.github.bootkernel.kernels.Catalog catalog} of every built-in image (kernels, initramfs
 * images and the helper files they are made of), each a
 * {@link io.github.bootkernel.kernels.CatalogItem} whose {@code get()} returns a
 * {@link io.github.bootkernel.kernels.CachedFile}; {@link io.github.bootkernel.kernels.Prepare},
 * which fills the cache ahead of time so tests can run without network; the
 * {@link io.github.bootkernel.kernels.KernelIndex index} of prepared ids;
 * {@link io.github.bootkernel.kernels.KernelConfig}, a kernel's build configuration, which the
 * catalog keeps beside each Linux kernel ({@code CatalogItem.config()}); and
 * {@link io.github.bootkernel.kernels.FetchException}, the error of every fetch or build. The
 * recipes of the Debian items, the exit-status helper and the busybox initramfs live here too, as
 * package-private classes.
 *
 * <p>Exported (the API of the kernels module). It may import the JDK, every other package of
 * this module ({@code internal} for the cache mechanics, {@code tiny} and {@code probe.build} for
 * their recipes, {@code initramfs}), and nothing of the engine or the extension; its public
 * types expose only JDK types and its own.
 */
package io.github.bootkernel.kernels;
