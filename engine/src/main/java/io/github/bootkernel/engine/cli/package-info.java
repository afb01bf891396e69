/**
 * The command-line tool ({@code java -jar bootkernel.jar}): option parsing, the console pumped to
 * stdout and stdin to the guest, the process exit statuses, and the tool's conduct as a process
 * (signals, a closed stdin, a terminal in raw mode). Not exported: the jar's {@code Main-Class}
 * runs it. It uses the engine's exported API, and {@code kvm.HostStdin} for the libc calls on its
 * standard input.
 */
package io.github.bootkernel.engine.cli;
