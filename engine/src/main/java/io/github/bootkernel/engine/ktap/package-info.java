/**
 * KTAP results read from a console as it runs: {@link io.github.bootkernel.engine.ktap.KtapParser}
 * turns the lines of the kernel's KTAP (KUnit) and of TAP version 13 (kselftest) into
 * {@link io.github.bootkernel.engine.ktap.KtapTest}s and tells a
 * {@link io.github.bootkernel.engine.ktap.KtapListener} of each as soon as its result is known.
 * Exported. The format is the kernel's {@code Documentation/dev-tools/ktap.rst}; where that leaves
 * room, this package does what {@code tools/testing/kunit/kunit_parser.py} does.
 *
 * <p>Imports: the JDK only. It reads lines, wherever they come from; the extension feeds it a
 * guest's console.
 */
package io.github.bootkernel.engine.ktap;
