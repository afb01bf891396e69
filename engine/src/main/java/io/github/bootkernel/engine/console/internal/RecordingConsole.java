package io.github.bootkernel.engine.console.internal;

import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.console.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The console the machine records: a {@link LineAssembler} whose lines go to a {@link History}
 * and to the {@link Followers}, all under one reentrant lock. Both faces in one object: the
 * machine feeds it as a {@link ConsoleSink}, users read it as a {@link Console}.
 */
final class RecordingConsole implements Console, ConsoleSink {

    /** Guards the assembler, the history and the followers. */
    private final ReentrantLock lock = new ReentrantLock();
    private final History history;
    private final Followers followers = new Followers(lock);
    private final LineAssembler assembler;

    /**
     * Creates an empty console.
     *
     * @param maxLineLength longest line kept in one piece, in chars; at least 2 (room for a
     *     surrogate pair)
     * @param maxHistoryChars most chars of history kept, counting each line as its length plus one;
     *     greater than {@code maxLineLength}, so the newest line always fits
     * @throws IllegalArgumentException if a bound is out of range
     */
    RecordingConsole(int maxLineLength, long maxHistoryChars) {
        if (maxHistoryChars <= maxLineLength) {
            throw new IllegalArgumentException("maxHistoryChars must be greater than maxLineLength ("
                    + maxLineLength + ") so the newest line always fits, got " + maxHistoryChars);
        }
        this.assembler = new LineAssembler(maxLineLength, this::completed);
        this.history = new History(maxHistoryChars, lock);
    }

    /** A line the assembler completed; the lock is held. */
    private void completed(String line) {
        history.add(line);
        followers.deliver(line);
    }

    // ---------------------------------------------------------------------------- write side

    @Override
    public void accept(int b) {
        lock.lock();
        try {
            assembler.accept(b);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void end() {
        lock.lock();
        try {
            if (assembler.end()) {
                history.end();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Console console() {
        return this;
    }

    // ----------------------------------------------------------------------------- read side

    @Override
    public int maxLineLength() {
        return assembler.maxLineLength();
    }

    @Override
    public long maxHistoryChars() {
        return history.maxChars();
    }

    @Override
    public List<String> lines() {
        return history.lines();
    }

    @Override
    public String partialLine() {
        lock.lock();
        try {
            return assembler.partialLine();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String text() {
        lock.lock();
        try {
            return history.text(assembler.partialLine());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> tail(int n) {
        return history.tail(n);
    }

    @Override
    public long lineCount() {
        return history.count();
    }

    @Override
    public long droppedLines() {
        return history.dropped();
    }

    @Override
    public boolean isEnded() {
        return history.isEnded();
    }

    @Override
    public Optional<String> awaitLine(Predicate<String> predicate, Duration timeout, long fromLine)
            throws InterruptedException {
        return history.awaitLine(predicate, timeout, fromLine);
    }

    @Override
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return history.awaitEnd(timeout);
    }

    @Override
    public Subscription follow(Consumer<String> consumer, boolean replayHistory) {
        lock.lock();
        try {
            return followers.add(consumer, replayHistory ? history.lines() : List.of());
        } finally {
            lock.unlock();
        }
    }
}
