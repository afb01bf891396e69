/**
 * The code samples of the READMEs, compiled and run: each sample is a tagged region
 * ({@code // tag::NAME[]} ... {@code // end::NAME[]}) of a file here, and {@code ReadmeSamplesTest}
 * checks that every {@code java} block of every README equals the region its
 * {@code <!-- demo: FILE#NAME -->} marker names. Failsafe runs these classes against the default
 * kernel (Debian's cloud kernel) with the integration tests; they need hardware KVM.
 */
package io.github.bootkernel.demo;
