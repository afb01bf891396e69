/**
 * The console's implementation, one job per class: {@code LineAssembler} turns bytes into lines,
 * {@code History} keeps them bounded and runs the waits, {@code Followers} delivers them live;
 * {@code RecordingConsole} joins the three under one lock. {@code ConsoleSink} is the write side,
 * held only by the machine. Not exported.
 *
 * <p>Imports: the JDK and {@code io.github.bootkernel.engine.console}; nothing else of bootkernel.
 */
package io.github.bootkernel.engine.console.internal;
