/**
 * Initramfs images for guests: {@link io.github.bootkernel.kernels.initramfs.Initramfs} writes a
 * deterministic newc cpio archive (optionally gzip compressed) from files, directories, symlinks,
 * scripts and device nodes; {@link io.github.bootkernel.kernels.initramfs.BusyboxInitramfs} starts
 * one with Debian's static busybox and a generated {@code /init}.
 */
package io.github.bootkernel.kernels.initramfs;
