/**
 * The probe: a tiny bzImage-shaped guest that tests the monitor's boot path in milliseconds.
 *
 * <p>The probe is <b>not Linux</b>. A test that boots it shows that the monitor loads a bzImage
 * per the Linux x86 boot protocol and passes the command line, e820 map and initrd correctly;
 * no test may claim "boots Linux" on the strength of the probe. Start at {@link
 * io.github.bootkernel.kernels.probe.ProbeKernel}.
 */
package io.github.bootkernel.kernels.probe;
