/**
 * Initramfs images for guests: {@link io.github.bootkernel.kernels.initramfs.Initramfs} writes a
 * deterministic newc cpio archive (optionally gzip compressed) from files, directories, symlinks,
 * scripts and device nodes; {@link io.github.bootkernel.kernels.initramfs.BusyboxInitramfs} starts
 * one with Debian's static busybox and a generated {@code /init};
 * {@link io.github.bootkernel.kernels.initramfs.HostPath} adds a host file or directory tree
 * ({@code HOST:GUEST}) with its modes.
 *
 * <p>Exported. It may import the JDK and, from the root package, the {@code Catalog} (for the
 * cached busybox and exit-status helper) and {@code FetchException}; nothing of {@code internal},
 * {@code tiny} or {@code probe}.
 */
package io.github.bootkernel.kernels.initramfs;
