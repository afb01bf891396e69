/**
 * How the catalog's {@code probe} item is built and stored: {@link
 * io.github.bootkernel.kernels.probe.build.ProbeBuild} runs binutils on {@code probe.S} and
 * {@code probe.ld}, {@link io.github.bootkernel.kernels.probe.build.ProbeRecipe} keys the image by
 * its sources and stores it in the cache.
 *
 * <p>Not exported (its public types name {@code internal} ones). It may import the JDK, the
 * {@code probe} package (its exceptions and resources), {@code internal}, and from the root
 * package the {@code Catalog}.
 */
package io.github.bootkernel.kernels.probe.build;
