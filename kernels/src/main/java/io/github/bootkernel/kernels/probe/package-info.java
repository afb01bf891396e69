/**
 * The probe: a tiny bzImage-shaped guest that tests the monitor's boot path in milliseconds, and
 * its vocabulary: the command-line words it obeys ({@link
 * io.github.bootkernel.kernels.probe.ProbeKernel}), the lines it prints ({@link
 * io.github.bootkernel.kernels.probe.ProbeOutput}) and the errors of building it.
 *
 * <p>The probe is <b>not Linux</b>. A test that boots it shows that the monitor loads a bzImage
 * per the Linux x86 boot protocol and passes the command line, e820 map and initrd correctly;
 * no test may claim "boots Linux" on the strength of the probe.
 *
 * <p>Exported. It may import the JDK and, from the root package, the {@code Catalog} and
 * {@code FetchException}; how the probe is built lives in {@code probe.build}.
 */
package io.github.bootkernel.kernels.probe;
