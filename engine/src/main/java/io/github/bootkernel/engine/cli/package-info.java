/**
 * The command-line tool ({@code java -jar bootkernel.jar}): option parsing, the console pumped to
 * stdout (or a file) and stdin to the guest, {@code --exec} (a command run through the guest agent,
 * its output and status the tool's), the initrd it boots ({@code --put}, the busybox image), the
 * process exit statuses, and the tool's conduct as a process (signals, a closed stdin, a terminal
 * in raw mode). Not exported: the jar's {@code Main-Class} runs it. It uses the engine's exported
 * API, {@code kvm.HostStdin} for the libc calls on its standard input, and the kernels module (the
 * only engine package that does) for the images.
 */
package io.github.bootkernel.engine.cli;
