package io.github.bootkernel.engine.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Optional;

/**
 * Where the console goes: the {@code --console-log} file; else stdout, or with {@code --exec}
 * stderr ({@code --verbose}) or nowhere, since stdout is then the command's. Closing it closes the
 * file.
 */
final class ConsoleLog implements AutoCloseable {

    private final ConsoleOut out;
    private final Optional<OutputStream> file;

    private ConsoleLog(ConsoleOut out, Optional<OutputStream> file) {
        this.out = out;
        this.file = file;
    }

    /**
     * Opens the console's destination for a run.
     *
     * @throws IOException if the {@code --console-log} file cannot be created
     */
    static ConsoleLog open(Options options, OutputStream stdout, PrintStream stderr) throws IOException {
        if (options.consoleLog().isPresent()) {
            OutputStream file = Files.newOutputStream(options.consoleLog().get());
            return new ConsoleLog(new ConsoleOut(file, options.consoleLog().get().toString()), Optional.of(file));
        }
        if (options.exec().isEmpty()) {
            return new ConsoleLog(new ConsoleOut(stdout, "stdout"), Optional.empty());
        }
        return new ConsoleLog(options.verbose() ? new ConsoleOut(stderr, "stderr")
                : new ConsoleOut(OutputStream.nullOutputStream(), "nowhere"), Optional.empty());
    }

    /** @return the sink for {@code Machine.start(config, rawOutput)} */
    ConsoleOut out() {
        return out;
    }

    @Override
    public void close() throws IOException {
        if (file.isPresent()) {
            file.get().close();
        }
    }
}
