package io.github.bootkernel.engine.console.internal;

import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.console.Subscription;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * The console the machine records: a {@link LineAssembler} whose lines go to a {@link History}
 * and to the watcher, and whose bytes and lines go to host code through the {@link Delivery}, all
 * under one reentrant lock. Both faces in one object: the machine feeds it as a
 * {@link ConsoleSink}, users read it as a {@link Console}.
 */
final class RecordingConsole implements Console, ConsoleSink {

    private static final System.Logger LOG = System.getLogger(RecordingConsole.class.getName());

    /** Guards the assembler, the history, the delivery and {@link #ended}. */
    private final ReentrantLock lock = new ReentrantLock();
    private final History history;
    private final Delivery delivery;
    private final LineAssembler assembler;
    private final Consumer<String> watcher;
    private boolean ended;

    /**
     * Creates an empty console.
     *
     * @param maxLineLength longest line kept in one piece, in chars; at least 2 (room for a
     *     surrogate pair)
     * @param maxHistoryBytes most heap the history may hold, in bytes as {@link LineCost} counts
     *     them; more than the longest line costs, so the newest line always fits
     * @param watcher sees each completed line on the feeding thread, with the lock held, or
     *     {@code null}
     * @param rawOutput receives each byte on the delivery thread, or {@code null}
     * @param rawBufferBytes how many bytes may wait for {@code rawOutput}
     * @throws IllegalArgumentException if a bound is out of range
     */
    RecordingConsole(int maxLineLength, long maxHistoryBytes, Consumer<String> watcher, IntConsumer rawOutput,
            int rawBufferBytes) {
        this.assembler = new LineAssembler(maxLineLength, this::completed);
        long longest = LineCost.ofLongest(maxLineLength);
        if (maxHistoryBytes <= longest) {
            throw new IllegalArgumentException("maxHistoryBytes must be more than a line of maxLineLength ("
                    + maxLineLength + ") chars costs (" + longest + " bytes) so the newest line always fits, got "
                    + maxHistoryBytes);
        }
        this.history = new History(maxHistoryBytes, lock);
        this.delivery = new Delivery(lock, history, rawOutput, rawBufferBytes);
        this.watcher = watcher;
    }

    /** A console without watcher and raw output. */
    RecordingConsole(int maxLineLength, long maxHistoryBytes) {
        this(maxLineLength, maxHistoryBytes, null, null, 0);
    }

    /** A line the assembler completed; the lock is held. */
    private void completed(String line) {
        history.add(line);
        if (watcher != null) {
            try {
                watcher.accept(line);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "console watcher " + watcher + " threw", e);
            }
        }
        delivery.lineAdded();
    }

    // ---------------------------------------------------------------------------- write side

    @Override
    public void accept(int b) {
        lock.lock();
        try {
            if (!ended) {
                assembler.accept(b);
                delivery.rawByte(b);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void end() {
        end(null);
    }

    @Override
    public void end(String how) {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            ended = true;
            assembler.end();
            history.end(how);
            delivery.end();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Console console() {
        return this;
    }

    @Override
    public boolean finishDelivery(Duration timeout) {
        return delivery.finish(timeout);
    }

    @Override
    public long rawOutputDropped() {
        return delivery.rawDropped();
    }

    // ----------------------------------------------------------------------------- read side

    @Override
    public int maxLineLength() {
        return assembler.maxLineLength();
    }

    @Override
    public long maxHistoryBytes() {
        return history.maxBytes();
    }

    @Override
    public long historyBytes() {
        return history.bytes();
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
    public Optional<String> endReason() {
        return history.endReason();
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
        return delivery.follow(consumer, replayHistory);
    }
}
