/**
 * Tiny kernels built on this machine from Debian's {@code linux-source-6.1} with
 * {@code make tinyconfig} and config fragments shipped in this jar, about 1 MB each, kept in the
 * bootkernel cache as the catalog's {@code tiny} and {@code tiny-kunit} items. {@link
 * io.github.bootkernel.kernels.tiny.TinyKernels} is their recipe; the build, its host tools, the
 * kernel source and the config fragments are package-private.
 *
 * <p>Not exported (its public type names {@code internal} ones). It may import the JDK,
 * {@code internal}, and from the root package {@code Catalog}, {@code CachedFile} and
 * {@code FetchException}.
 */
package io.github.bootkernel.kernels.tiny;
