/**
 * The read side of a guest's serial console: {@link io.github.bootkernel.engine.console.Console}
 * (snapshots, waits, live following) and its
 * {@link io.github.bootkernel.engine.console.Subscription}. A machine hands out its console as a
 * {@code Console}; nothing in this package writes to it.
 *
 * <p>Imports: the JDK and this package's {@code internal} implementation only; nothing else of
 * bootkernel.
 */
package io.github.bootkernel.engine.console;
