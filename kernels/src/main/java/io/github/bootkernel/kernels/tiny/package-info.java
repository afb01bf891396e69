/**
 * Tiny kernels built on this machine from Debian's {@code linux-source-6.1} with
 * {@code make tinyconfig} and a config fragment shipped in this jar: ids {@code tiny} and
 * {@code tiny-kunit}, about 1 MB each, kept in the bootkernel cache. Start at
 * {@link io.github.bootkernel.kernels.tiny.TinyKernels}.
 */
package io.github.bootkernel.kernels.tiny;
