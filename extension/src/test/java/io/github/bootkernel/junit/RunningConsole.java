package io.github.bootkernel.junit;

import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.console.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A console whose guest still runs, for tests without a guest (the engine's write side is not
 * theirs to use): it shows the output printed so far as {@link Console#of(String)} would, never
 * ends, and {@link #print(String)} adds output and wakes the waiters. Following is not supported.
 */
final class RunningConsole implements Console {

    /** The output so far; replaced, never changed, under this object's monitor. */
    private Console shown;

    RunningConsole(String text) {
        shown = Console.of(text);
    }

    /** Appends output, as if the guest printed it. */
    synchronized void print(String more) {
        shown = Console.of(shown.text() + more);
        notifyAll();
    }

    private synchronized Console shown() {
        return shown;
    }

    @Override
    public synchronized Optional<String> awaitLine(Predicate<String> predicate, Duration timeout, long fromLine)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Each line is checked once, in order, as the real console does.
        long[] next = {Math.max(0, fromLine)};
        while (true) {
            Optional<String> line = shown.awaitLine(l -> {
                next[0]++;
                return predicate.test(l);
            }, Duration.ZERO, next[0]);
            long left = deadline - System.nanoTime();
            if (line.isPresent() || left <= 0) {
                return line;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public boolean isEnded() {
        return false;
    }

    @Override
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        Thread.sleep(timeout.toMillis());
        return false;
    }

    @Override
    public Subscription follow(Consumer<String> consumer, boolean replayHistory) {
        throw new UnsupportedOperationException("a test double");
    }

    @Override
    public int maxLineLength() {
        return shown().maxLineLength();
    }

    @Override
    public long maxHistoryBytes() {
        return shown().maxHistoryBytes();
    }

    @Override
    public long historyBytes() {
        return shown().historyBytes();
    }

    @Override
    public Optional<String> endReason() {
        return Optional.empty();
    }

    @Override
    public List<String> lines() {
        return shown().lines();
    }

    @Override
    public String partialLine() {
        return shown().partialLine();
    }

    @Override
    public String text() {
        return shown().text();
    }

    @Override
    public List<String> tail(int n) {
        return shown().tail(n);
    }

    @Override
    public long lineCount() {
        return shown().lineCount();
    }

    @Override
    public long droppedLines() {
        return shown().droppedLines();
    }
}
