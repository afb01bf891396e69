/**
 * What a bootkernel guest boots, fetched or built once per machine and kept in the local
 * {@link io.github.bootkernel.kernels.Cache cache} ({@code ~/.cache/bootkernel}):
 * {@link io.github.bootkernel.kernels.DebianKernels Debian's stock kernels},
 * {@link io.github.bootkernel.kernels.Busybox the static busybox} and
 * {@link io.github.bootkernel.kernels.ExitStatusHelper the exit-status helper}.
 * {@link io.github.bootkernel.kernels.Prepare} fills the cache ahead of time, so tests can run
 * without network. Failures are reported as {@link io.github.bootkernel.kernels.FetchException}.
 */
package io.github.bootkernel.kernels;
