package io.github.bootkernel.engine.kmsg.internal;

import io.github.bootkernel.engine.agent.internal.KlogSyncer;
import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelLogGap;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The kept records of a kernel log, its gaps and counters, under one lock, with the waits of
 * {@link KernelLog}. Records come in by {@link #offer}, which finds the gaps from the sequence
 * numbers; the bounds are {@link KernelLog}'s. {@link #awaitCaughtUp} asks the agent's current
 * KLOG request, given by {@link #syncer}, and waits for its answer; the log's end answers false
 * to every such wait at once.
 */
public final class RecordLog implements KernelLog {

    /** Most gaps kept (the newest); {@link #lostRecords()} counts them all. */
    static final int MAX_GAPS = 1000;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on every record, on the end and when the agent says the log is unavailable. */
    private final Condition changed = lock.newCondition();
    private final long maxRecords;
    private final long maxBytes;
    /** The kept records are {@code records[head..]}; the first {@code head} are evicted, not yet removed. */
    private final List<KernelRecord> records = new ArrayList<>();
    private int head;
    /** How many records were evicted in all: the absolute index of {@code records[head]}. */
    private long evicted;
    private long bytes;
    private final Deque<KernelLogGap> gaps = new ArrayDeque<>();
    private long lost;
    private long malformed;
    /** The sequence number the next record should have. */
    private long expected;
    private String unavailable;
    private boolean ended;
    /** The current KLOG request's syncer: null before the agent connected, and without an agent. */
    private KlogSyncer syncer;
    /** The answers {@link #awaitCaughtUp} waits for; {@link #end()} completes them with false. */
    private final Set<CompletableFuture<Boolean>> syncs = new HashSet<>();

    /** An empty, open log with {@link KernelLog}'s bounds. */
    public RecordLog() {
        this(MAX_RECORDS, MAX_BYTES);
    }

    /** An empty, open log with other bounds: for tests. */
    RecordLog(long maxRecords, long maxBytes) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /** An ended log of {@code records}, with the gaps their sequence numbers show: {@link KernelLog#of}. */
    public static RecordLog of(List<KernelRecord> records) {
        RecordLog log = new RecordLog();
        long previous = -1;
        for (KernelRecord record : records) {
            if (record.sequence() <= previous) {
                throw new IllegalArgumentException("the records' sequence numbers must increase: "
                        + record.sequence() + " follows " + previous);
            }
            previous = record.sequence();
            log.offer(record, 0);
        }
        log.end();
        return log;
    }

    /**
     * A log's content at a snapshot, which a clone's log starts with ({@link #continuing}).
     *
     * @param records the kept records, oldest first
     * @param gaps the kept gaps
     * @param lost records that never arrived
     * @param evicted records evicted
     * @param malformed raw records that did not parse
     * @param expected the sequence number the next record should have
     * @param unavailable why the agent could not stream the log, or null
     */
    public record Saved(List<KernelRecord> records, List<KernelLogGap> gaps, long lost, long evicted, long malformed,
                        long expected, String unavailable) {
        /** Copies the lists. */
        public Saved {
            records = List.copyOf(records);
            gaps = List.copyOf(gaps);
        }
    }

    /**
     * Saves the log's content for a snapshot; the log goes on.
     *
     * @return the content
     */
    public Saved save() {
        lock.lock();
        try {
            return new Saved(records.subList(head, records.size()), List.copyOf(gaps), lost, evicted, malformed,
                    expected, unavailable);
        } finally {
            lock.unlock();
        }
    }

    /**
     * An open log that continues a snapshot's: the same records, gaps and counters, expecting the
     * record after the last one the snapshot's log took, so the clone's agent's next record is
     * neither a duplicate nor a gap.
     *
     * @param saved the snapshot's log content
     * @return the log
     */
    public static RecordLog continuing(Saved saved) {
        RecordLog log = new RecordLog();
        log.records.addAll(saved.records());
        for (KernelRecord r : saved.records()) {
            log.bytes += cost(r);
        }
        log.gaps.addAll(saved.gaps());
        log.lost = saved.lost();
        log.evicted = saved.evicted();
        log.malformed = saved.malformed();
        log.expected = saved.expected();
        log.unavailable = saved.unavailable();
        return log;
    }

    /**
     * Takes the next record the agent read, unless it is a duplicate: one whose sequence number
     * is below the expected one (the agent re-reads after a restart) is ignored. A record above it
     * opens a gap from the expected number, less {@code malformedBefore}: the raw records just
     * before this one that did not parse arrived, so they are not lost (they are taken to be the
     * first missing numbers).
     *
     * @return whether the record was kept (not a duplicate)
     */
    public boolean offer(KernelRecord record, long malformedBefore) {
        Objects.requireNonNull(record, "record");
        lock.lock();
        try {
            if (ended || record.sequence() < expected) {
                return false;
            }
            long first = expected + Math.min(malformedBefore, record.sequence() - expected);
            if (record.sequence() > first) {
                gap(new KernelLogGap(first, record.sequence()));
            }
            expected = record.sequence() + 1;
            records.add(record);
            bytes += cost(record);
            evict();
            unavailable = null;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** @return the sequence number the next record should have: 0 before any */
    public long nextSequence() {
        lock.lock();
        try {
            return expected;
        } finally {
            lock.unlock();
        }
    }

    /** Counts a raw record that did not parse. */
    public void malformed() {
        lock.lock();
        try {
            malformed++;
        } finally {
            lock.unlock();
        }
    }

    /** The agent said why it cannot stream the log. */
    public void unavailable(String why) {
        lock.lock();
        try {
            unavailable = Objects.requireNonNull(why, "why");
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The agent's current KLOG request, which {@link #awaitCaughtUp} asks from now on.
     *
     * @param syncer the request's syncer
     */
    public void syncer(KlogSyncer syncer) {
        Objects.requireNonNull(syncer, "syncer");
        lock.lock();
        try {
            this.syncer = syncer;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the log: no record follows; the waits return. Idempotent. */
    public void end() {
        List<CompletableFuture<Boolean>> released;
        lock.lock();
        try {
            ended = true;
            released = List.copyOf(syncs);
            syncs.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        released.forEach(s -> s.complete(false));
    }

    private void gap(KernelLogGap gap) {
        lost += gap.count();
        gaps.addLast(gap);
        if (gaps.size() > MAX_GAPS) {
            gaps.removeFirst();
        }
    }

    private void evict() {
        while (records.size() - head > 1 && (records.size() - head > maxRecords || bytes > maxBytes)) {
            bytes -= cost(records.get(head));
            records.set(head, null);
            head++;
            evicted++;
        }
        if (head >= 1024 && head >= records.size() / 2) {
            records.subList(0, head).clear();
            head = 0;
        }
    }

    /** What a record is counted to cost on the heap: its strings at two bytes a char, and an overhead. */
    static long cost(KernelRecord record) {
        long chars = record.message().length();
        for (Map.Entry<String, String> e : record.dictionary().entrySet()) {
            chars += e.getKey().length() + e.getValue().length() + 16;
        }
        return RECORD_OVERHEAD + 2 * chars;
    }

    @Override
    public boolean isAvailable() {
        lock.lock();
        try {
            return expected > 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<String> unavailableReason() {
        lock.lock();
        try {
            return Optional.ofNullable(unavailable);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<KernelRecord> records() {
        lock.lock();
        try {
            return List.copyOf(records.subList(head, records.size()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<KernelRecord> records(int maxLevel) {
        if (maxLevel < 0 || maxLevel > KernelRecord.MAX_LEVEL) {
            throw new IllegalArgumentException("maxLevel must be between 0 and 7, got " + maxLevel);
        }
        return records().stream().filter(r -> r.level() <= maxLevel).toList();
    }

    @Override
    public List<KernelLogGap> gaps() {
        lock.lock();
        try {
            return List.copyOf(gaps);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long lostRecords() {
        lock.lock();
        try {
            return lost;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long droppedRecords() {
        lock.lock();
        try {
            return evicted;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long malformedRecords() {
        lock.lock();
        try {
            return malformed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<KernelRecord> awaitRecord(Pattern messagePattern, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(messagePattern, "messagePattern");
        return awaitRecord(r -> messagePattern.matcher(r.message()).find(), timeout);
    }

    @Override
    public Optional<KernelRecord> awaitRecord(Predicate<KernelRecord> condition, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(condition, "condition");
        long deadline = System.nanoTime() + TimeUnit.NANOSECONDS.convert(timeout); // saturates
        long position = 0;
        while (true) {
            List<KernelRecord> fresh;
            boolean over;
            lock.lockInterruptibly();
            try {
                long left = deadline - System.nanoTime();
                while (evicted + records.size() - head <= position && !ended) {
                    if (left <= 0) {
                        return Optional.empty();
                    }
                    left = changed.awaitNanos(left);
                }
                long from = Math.max(position, evicted);
                fresh = List.copyOf(records.subList(head + (int) (from - evicted), records.size()));
                position = evicted + records.size() - head;
                over = ended;
            } finally {
                lock.unlock();
            }
            // The condition is the caller's code: tested outside the lock, so the reader never waits for it.
            for (KernelRecord record : fresh) {
                if (condition.test(record)) {
                    return Optional.of(record);
                }
            }
            if (over) {
                return Optional.empty();
            }
        }
    }

    @Override
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long nanos = TimeUnit.NANOSECONDS.convert(timeout); // saturates
        KlogSyncer current;
        lock.lockInterruptibly();
        try {
            if (ended || syncer == null || unavailable != null) {
                return false;
            }
            current = syncer;
        } finally {
            lock.unlock();
        }
        // The syncer never waits, and its answer is completed by the reader thread (records first),
        // by the request's end, or by end() here: whichever comes first.
        CompletableFuture<Boolean> answer = current.sync();
        lock.lockInterruptibly();
        try {
            if (ended) {
                return false;
            }
            syncs.add(answer);
        } finally {
            lock.unlock();
        }
        try {
            return answer.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the kernel log's catch-up failed", e.getCause());
        } finally {
            lock.lock();
            try {
                syncs.remove(answer);
            } finally {
                lock.unlock();
            }
        }
    }

    /** @return how many {@link #awaitCaughtUp} calls wait for the agent's answer: for tests */
    int catchUpWaiters() {
        lock.lock();
        try {
            return syncs.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> tail(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        List<KernelRecord> last;
        lock.lock();
        try {
            last = List.copyOf(records.subList(Math.max(head, records.size() - n), records.size()));
        } finally {
            lock.unlock();
        }
        return last.stream().flatMap(r -> r.dmesgLines().stream()).toList();
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "KernelLog[" + (records.size() - head) + " records, " + lost + " lost, " + evicted + " dropped, "
                    + malformed + " malformed" + (ended ? ", ended" : "") + "]";
        } finally {
            lock.unlock();
        }
    }
}
