/**
 * Internal: the mechanisms that {@code io.github.bootkernel.kernels} and its {@code tiny} package
 * share &mdash; the cache entries, the checks on files entering the cache and the apt steps that
 * take a package from the Debian archive. Not API: these classes are public only so that both
 * packages can use one copy, and they may change without notice.
 */
package io.github.bootkernel.kernels.internal;
