package io.github.bootkernel.engine.kmsg;

import io.github.bootkernel.engine.kmsg.internal.RecordLog;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A guest's kernel log, every record of the kernel's ring buffer as the guest agent streams it
 * from {@code /dev/kmsg}: all levels (also those a {@code quiet} console hides), with their
 * sequence numbers, levels, timestamps and dictionaries, apart from what programs print on the
 * console. A machine's log starts with the oldest record still in the ring when the agent
 * connects (normally the boot's first), follows the kernel as it logs, and ends with the guest.
 *
 * <pre>{@code
 * KernelLog log = machine.kernelLog();
 * Optional<KernelRecord> probe = log.awaitRecord(Pattern.compile("^virtio_blk virtio\\d+: \\[vda\\]"),
 *         Duration.ofSeconds(30));
 * List<KernelRecord> warnings = log.records(4);       // KERN_WARNING and worse
 * log.gaps();                                         // records the ring overwrote before they were read
 * }</pre>
 *
 * <h2>What is kept</h2>
 * The newest records up to {@value #MAX_RECORDS} records and about {@value #MAX_BYTES} bytes of
 * heap (a record costs its message and dictionary as Java strings plus {@value #RECORD_OVERHEAD}
 * bytes); older ones are evicted and counted by {@link #droppedRecords()}. Records the guest's
 * ring overwrote before the agent read them are not evicted ones: they never arrived, and are
 * {@link #gaps()}. Raw records that do not parse are dropped and counted by
 * {@link #malformedRecords()}.
 *
 * <p>Thread-safe; every list returned is an immutable snapshot. The waits wake on each record and
 * on the log's end, never by polling.
 */
public interface KernelLog {

    /** Most records kept. */
    int MAX_RECORDS = 100_000;
    /** Most heap, roughly, the kept records cost, in bytes: 16 MiB. */
    long MAX_BYTES = 16L << 20;
    /** The heap a record is counted to cost besides its strings, in bytes. */
    int RECORD_OVERHEAD = 96;

    /**
     * Returns whether the agent streams the log: a first record arrived. False for a guest without
     * the agent, before the agent connects, and when the agent could not open {@code /dev/kmsg}
     * ({@link #unavailableReason()}).
     *
     * @return whether any record arrived
     */
    boolean isAvailable();

    /**
     * Returns why the agent could not stream the log, if it said so.
     *
     * @return the agent's error in words, for example {@code "open /dev/kmsg: No such file or
     *     directory (ENOENT)"}; empty while it streams or has not been asked
     */
    Optional<String> unavailableReason();

    /**
     * Returns whether the log ended: the guest ended, and no record will follow.
     *
     * @return whether it ended
     */
    boolean isEnded();

    /**
     * Returns the kept records.
     *
     * @return oldest first
     */
    List<KernelRecord> records();

    /**
     * Returns the kept records at {@code maxLevel} or more severe.
     *
     * @param maxLevel the highest level, 0 to 7: 3 for errors and worse ({@code KERN_ERR}), 4 for
     *     warnings and worse ({@code KERN_WARNING}), 7 for all
     * @return those with {@code level() <= maxLevel}, oldest first
     * @throws IllegalArgumentException if {@code maxLevel} is outside 0..7
     */
    List<KernelRecord> records(int maxLevel);

    /**
     * Returns the records that never arrived: the guest's ring overwrote them before the agent
     * read them (a flood, a slow channel), or the ring had already dropped them when the agent
     * started reading. The sequence numbers around a gap give its size.
     *
     * @return the gaps, in order; the newest 1000 (a flood makes many), {@link #lostRecords()}
     *     counts them all
     */
    List<KernelLogGap> gaps();

    /**
     * Returns how many records never arrived.
     *
     * @return the sum of the {@link #gaps()}' counts
     */
    long lostRecords();

    /**
     * Returns how many records arrived but were evicted to keep the log within its bounds.
     *
     * @return the count; the oldest records go first
     */
    long droppedRecords();

    /**
     * Returns how many raw records arrived that were not in the format of {@code /dev/kmsg}; they
     * are dropped (see {@link KmsgRecordParser}).
     *
     * @return the count
     */
    long malformedRecords();

    /**
     * Waits for a record whose message contains a match of {@code messagePattern}
     * ({@link java.util.regex.Matcher#find()}), at most {@code timeout}; records logged before the
     * call count too, from the oldest kept one.
     *
     * @param messagePattern found in {@link KernelRecord#message()} (which may hold several lines:
     *     use {@link Pattern#MULTILINE} to anchor at each)
     * @param timeout how long to wait at most
     * @return the first such record; empty at the timeout, or as soon as the log ended without one
     * @throws InterruptedException if the waiting thread is interrupted
     */
    Optional<KernelRecord> awaitRecord(Pattern messagePattern, Duration timeout) throws InterruptedException;

    /**
     * Waits for a record that satisfies {@code condition}, as
     * {@link #awaitRecord(Pattern, Duration)} does.
     *
     * @param condition tested once per record, on the waiting thread, outside the log's lock
     * @param timeout how long to wait at most
     * @return the first such record; empty at the timeout, or once the log ended without one
     * @throws InterruptedException if the waiting thread is interrupted
     */
    Optional<KernelRecord> awaitRecord(Predicate<KernelRecord> condition, Duration timeout)
            throws InterruptedException;

    /**
     * Waits until every record the guest's kernel held when this was called has arrived: the host
     * asks the agent (SYNC, {@code docs/guest-agent-protocol.md}, "Stream the kernel's log"), the
     * agent reads its {@code /dev/kmsg} to the end, sends what it read and then says so (SYNCED).
     * After true, {@link #records()} holds those records (less any {@link #gaps()}: records the
     * ring overwrote before the agent read them, and the kept bounds). Use it after something the
     * guest did, to check what its kernel logged or did not log without a guessed wait:
     *
     * <pre>{@code
     * machine.agent().exec(Exec.shell("echo '<6>hello' > /dev/kmsg"));
     * if (log.awaitCaughtUp(Duration.ofSeconds(30))) {
     *     assert log.records().stream().anyMatch(r -> r.message().equals("hello"));
     * }
     * }</pre>
     *
     * <p>On a slow channel the agent's backlog comes first, so this may take as long as the records
     * still in the guest take to arrive. Waits on the answer, never by polling.
     *
     * @param timeout how long to wait at most
     * @return true once caught up; false at the timeout, when the log is not streaming (no agent,
     *     the kernel log turned off, the agent could not open {@code /dev/kmsg}, the agent has not
     *     connected yet, or a log made by {@link #of}), or when the guest (or the agent's run) ended
     *     first: then every record that will ever arrive is in
     * @throws InterruptedException if the waiting thread is interrupted
     */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException;

    /**
     * Returns the last {@code n} records as {@code dmesg -r} prints them
     * ({@link KernelRecord#dmesgLines()}): {@code "<4>[    1.234567] message"}, a multi-line
     * record as several lines.
     *
     * @param n how many records, at least 0
     * @return their lines, oldest first
     * @throws IllegalArgumentException if {@code n} is negative
     */
    List<String> tail(int n);

    /**
     * Returns an ended log holding {@code records}, for tests of code that reads logs. The gaps
     * are those between the records' sequence numbers, and before the first one (a log that
     * starts at sequence 5 lost records 0 to 4), as a guest's log would show them.
     *
     * @param records in increasing sequence order
     * @return the log
     * @throws IllegalArgumentException if the sequence numbers do not increase
     */
    static KernelLog of(List<KernelRecord> records) {
        return RecordLog.of(records);
    }
}
