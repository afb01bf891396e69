/**
 * The kernel log's implementation: {@code RecordLog} keeps the records, bounded, finds the gaps
 * and runs the waits; {@code KernelLogSink} is the write side the agent channel delivers raw
 * records to, held only by the machine. Not exported.
 *
 * <p>Imports: the JDK, {@code io.github.bootkernel.engine.kmsg} and the agent channel's
 * {@code KlogReceiver}.
 */
package io.github.bootkernel.engine.kmsg.internal;
