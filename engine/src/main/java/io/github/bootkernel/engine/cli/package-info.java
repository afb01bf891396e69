/**
 * The command-line tool ({@code java -jar bootkernel.jar}): option parsing, the console pumped to
 * stdout and stdin to the guest, and the process exit statuses. Not exported: the jar's
 * {@code Main-Class} runs it. It uses only the engine's exported API.
 */
package io.github.bootkernel.engine.cli;
