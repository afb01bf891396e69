/**
 * The console's implementation, one job per class: {@code LineAssembler} turns bytes into lines,
 * {@code History} keeps them bounded by their heap cost ({@code LineCost}) and runs the waits,
 * {@code Delivery} hands lines and raw bytes ({@code ByteRing}) to host code on its own thread;
 * {@code RecordingConsole} joins them under one lock. {@code ConsoleSink} is the write side,
 * held only by the machine. Not exported.
 *
 * <p>Imports: the JDK and {@code io.github.bootkernel.engine.console}; nothing else of bootkernel.
 */
package io.github.bootkernel.engine.console.internal;
