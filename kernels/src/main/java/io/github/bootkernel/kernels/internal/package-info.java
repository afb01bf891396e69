/**
 * The cache mechanics every item shares, one of each: {@link
 * io.github.bootkernel.kernels.internal.ItemStore} (memo, lock, look again, produce, record) with
 * a {@link io.github.bootkernel.kernels.internal.Recipe} per item; {@link
 * io.github.bootkernel.kernels.internal.CacheEntries} (the versions of one item on disk); {@link
 * io.github.bootkernel.kernels.internal.ItemLock} (the cross-process lock); {@link
 * io.github.bootkernel.kernels.internal.AtomicFiles} (the atomic write); {@link
 * io.github.bootkernel.kernels.internal.CommandRunner} (the command runner and its log); {@link
 * io.github.bootkernel.kernels.internal.Apt} (the apt and dpkg path); and {@link
 * io.github.bootkernel.kernels.internal.FileChecks} (the bzImage and static-ELF checks).
 *
 * <p>Not exported: these classes are public only so that the other packages of this module can
 * use one copy, and they may change without notice. It may import the JDK and, from the root
 * package, only {@code Cache}, {@code CachedFile} and {@code FetchException}.
 */
package io.github.bootkernel.kernels.internal;
