package io.github.bootkernel.junit;

import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelLogGap;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.Assertions;

/**
 * Assertions on a guest's kernel log ({@link Guest#kernelLog()}); get one with
 * {@link GuestAssertions#assertThat(KernelLog)}.
 *
 * <p>The checks look at the records' messages ({@link KernelRecord#message()}: the text after the
 * kernel's prefix, escapes decoded, several lines for a multi-line record). All but
 * {@link #emitsWithin(Duration, String) emitsWithin} look at a snapshot taken when they run. On a
 * live guest, the first of them waits for the log to catch up with the guest
 * ({@link KernelLog#awaitCaughtUp}: every record the guest's kernel held then has arrived), at most
 * the guest's {@link Guest#execTimeout()} (60 s for a log that is not a guest's), so
 * {@code guest.sh(...)} then {@code doesNotContainMessage(...)} sees what the command made the
 * kernel log. If the log did not catch up, a failure message says why; and
 * {@link #doesNotContainMessage} fails then when the limit passed, as records may still be on
 * their way. A log that ended (the guest ended) or does not stream (no agent) is checked as it is.
 * {@link #atLevel(int)} narrows the later checks to records at a level or more severe. Every
 * failure message ends with the last {@value KernelLogTail#RECORDS} records, as {@code dmesg -r}
 * prints them.
 *
 * <pre>{@code
 * assertThat(guest.kernelLog()).emitsWithin(Duration.ofSeconds(30), "^virtio_net virtio\\d+ eth0: renamed");
 * assertThat(guest.kernelLog()).atLevel(4).doesNotContainMessage("mydriver");
 * assertThat(guest.kernelLog()).containsMessagesInOrder("mydriver: probe", "mydriver: ready").hasNoGaps();
 * }</pre>
 */
public final class KernelLogAssert extends AbstractAssert<KernelLogAssert, KernelLog> {

    /** How long the checks wait for a log that is not a guest's to catch up. */
    static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(60);

    private int maxLevel = KernelRecord.MAX_LEVEL;
    /** Whether the log caught up was asked already: once per assertion. */
    private boolean caughtUpAsked;
    /** Why the log did not catch up, for failure messages; null when it did, ended, or does not stream. */
    private String notCaughtUp;
    /** Whether it did not catch up because the limit passed. */
    private boolean catchUpTimedOut;

    /**
     * Starts assertions on a kernel log; prefer {@link GuestAssertions#assertThat(KernelLog)}.
     *
     * @param actual the log, may be null (the assertions then fail)
     */
    public KernelLogAssert(KernelLog actual) {
        super(actual, KernelLogAssert.class);
    }

    /**
     * Narrows the checks that follow to records at {@code maxLevel} or more severe.
     *
     * <pre>{@code
     * // records: <6> "mydriver: probe", <4> "mydriver: fallback mode"
     * assertThat(log).atLevel(4).containsMessage("fallback");     // passes
     * assertThat(log).atLevel(4).containsMessage("probe");        // fails: that one is at level 6
     * }</pre>
     *
     * @param maxLevel 0 ({@code KERN_EMERG}) to 7 ({@code KERN_DEBUG}): 3 for errors and worse,
     *     4 for warnings and worse
     * @return this assertion
     * @throws IllegalArgumentException if {@code maxLevel} is outside 0..7
     */
    public KernelLogAssert atLevel(int maxLevel) {
        if (maxLevel < 0 || maxLevel > KernelRecord.MAX_LEVEL) {
            throw new IllegalArgumentException("maxLevel must be between 0 and 7, got " + maxLevel);
        }
        this.maxLevel = maxLevel;
        return this;
    }

    /**
     * Verifies that some record's message contains {@code substring}.
     *
     * <pre>{@code
     * // records: "Linux version 6.1.0", "Run /init as init process"
     * assertThat(log).containsMessage("Run /init");   // passes
     * assertThat(log).containsMessage("Oops");        // fails
     * }</pre>
     *
     * @param substring the text to find
     * @return this assertion
     */
    public KernelLogAssert containsMessage(String substring) {
        Objects.requireNonNull(substring, "substring");
        isNotNull();
        awaitCaughtUp();
        if (records().stream().noneMatch(r -> r.message().contains(substring))) {
            throw failed("Expecting the kernel log" + levels() + " to contain a message with\n  \"" + substring
                    + "\"\nbut none does." + lessSevere(r -> r.message().contains(substring)));
        }
        return this;
    }

    /**
     * Verifies that no record's message contains {@code substring}.
     *
     * <pre>{@code
     * // records: "Linux version 6.1.0", "Run /init as init process"
     * assertThat(log).doesNotContainMessage("Oops");        // passes
     * assertThat(log).doesNotContainMessage("Run /init");   // fails, naming the record
     * }</pre>
     *
     * @param substring the text that must not appear
     * @return this assertion
     */
    public KernelLogAssert doesNotContainMessage(String substring) {
        Objects.requireNonNull(substring, "substring");
        isNotNull();
        awaitCaughtUp();
        List<String> found = records().stream().filter(r -> r.message().contains(substring))
                .flatMap(r -> r.dmesgLines().stream()).map(l -> "  " + l).toList();
        if (!found.isEmpty()) {
            throw failed("Expecting the kernel log" + levels() + " to contain no message with\n  \"" + substring
                    + "\"\nbut found:\n" + String.join("\n", found));
        }
        if (catchUpTimedOut) {
            throw failed("Expecting the kernel log" + levels() + " to contain no message with\n  \"" + substring
                    + "\"\nbut cannot tell: none has arrived, and records may still be on their way.");
        }
        return this;
    }

    /**
     * Verifies that messages containing the substrings appear in this order, each in a record
     * after the previous one's, with any records in between.
     *
     * <pre>{@code
     * // records: "mydriver: probe", "other", "mydriver: ready"
     * assertThat(log).containsMessagesInOrder("probe", "ready");   // passes
     * assertThat(log).containsMessagesInOrder("ready", "probe");   // fails: no "probe" after "ready"
     * }</pre>
     *
     * @param substrings the texts, each found in a record's message
     * @return this assertion
     */
    public KernelLogAssert containsMessagesInOrder(String... substrings) {
        Arrays.stream(substrings).forEach(s -> Objects.requireNonNull(s, "substrings"));
        isNotNull();
        awaitCaughtUp();
        List<KernelRecord> records = records();
        int next = 0;
        int previous = -1;
        for (int i = 0; i < substrings.length; i++) {
            String wanted = substrings[i];
            while (next < records.size() && !records.get(next).message().contains(wanted)) {
                next++;
            }
            if (next == records.size()) {
                String where = i == 0 ? "but no message contains \"" + wanted + "\"."
                        : "but after \"" + substrings[i - 1] + "\" (record " + records.get(previous).sequence()
                                + ") no message contains \"" + wanted + "\".";
                throw failed("Expecting the kernel log" + levels() + " to have messages containing, in this order,\n  "
                        + Arrays.stream(substrings).map(s -> "\"" + s + "\"").collect(Collectors.joining(", "))
                        + "\n" + where);
            }
            previous = next++;
        }
        return this;
    }

    /**
     * Verifies that no record was lost: the guest's ring overwrote none before the agent read it
     * ({@link KernelLog#gaps()}).
     *
     * <pre>{@code
     * assertThat(log).hasNoGaps();   // fails after a flood: "12 records lost (sequence 300 to 311)"
     * }</pre>
     *
     * @return this assertion
     */
    public KernelLogAssert hasNoGaps() {
        isNotNull();
        awaitCaughtUp();
        List<KernelLogGap> gaps = actual.gaps();
        if (!gaps.isEmpty()) {
            throw failed("Expecting the kernel log to have no gaps, but " + actual.lostRecords()
                    + " records never arrived:\n" + gaps.stream().map(g -> "  " + g).collect(Collectors.joining("\n")));
        }
        return this;
    }

    /**
     * Waits until a record whose message contains a match of {@code regex}
     * ({@link java.util.regex.Matcher#find()}) has been logged, at most {@code timeout}; records
     * logged before the call count too. It returns as soon as the record is there, and fails as
     * soon as the log ended without it. Like {@link ConsoleAssert#emitsWithin(Duration, String)},
     * it returns an assertion on what came: the record's message.
     *
     * <pre>{@code
     * assertThat(guest.kernelLog()).emitsWithin(Duration.ofSeconds(30), "^Run /init");        // passes
     * assertThat(guest.kernelLog()).emitsWithin(Duration.ofSeconds(30), "EXT4-fs \\(vda\\)")
     *         .contains("mounted filesystem");                                                 // on the message
     * }</pre>
     *
     * <p>The failure message says what was awaited, whether the log ended first, how many records
     * it holds, then its tail. A test thread interrupted while waiting fails, and keeps its
     * interrupt flag.
     *
     * @param timeout how long to wait at most
     * @param regex the pattern to find in a message
     * @return an assertion on the first matching record's message, with this assertion's description
     */
    public AbstractStringAssert<?> emitsWithin(Duration timeout, String regex) {
        Objects.requireNonNull(timeout, "timeout");
        Pattern pattern = Pattern.compile(regex);
        isNotNull();
        int level = maxLevel;
        Optional<KernelRecord> record;
        try {
            record = actual.awaitRecord(r -> r.level() <= level && pattern.matcher(r.message()).find(), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed("Interrupted while waiting for the kernel log" + levels() + " to have a message matching\n  /"
                    + regex + "/");
        }
        if (record.isEmpty()) {
            String state = actual.isEnded() ? "the log ended first (the guest ended)" : "the guest still runs";
            throw failed("Expecting the kernel log" + levels() + " to have a message matching\n  /" + regex
                    + "/\nwithin " + ConsoleAssert.human(timeout) + ", but none came: " + state + "."
                    + lessSevere(r -> pattern.matcher(r.message()).find()));
        }
        AbstractStringAssert<?> messageAssert = Assertions.assertThat(record.get().message());
        return info.hasDescription() ? messageAssert.as(info.description()) : messageAssert;
    }

    /**
     * Waits, once per assertion, for a live log to catch up with the guest; notes why when it did
     * not. An interrupt fails the check and keeps the thread's interrupt flag.
     */
    private void awaitCaughtUp() {
        if (caughtUpAsked) {
            return;
        }
        caughtUpAsked = true;
        if (actual.isEnded() || !actual.isAvailable()) {
            return; // every record is in, or none comes: the snapshot is all there is
        }
        Duration limit = actual instanceof GuestKernelLog guestLog ? guestLog.catchUpLimit() : CATCH_UP_LIMIT;
        long start = System.nanoTime();
        try {
            if (actual.awaitCaughtUp(limit) || actual.isEnded()) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed("Interrupted while waiting for the kernel log to catch up with the guest.");
        }
        catchUpTimedOut = System.nanoTime() - start >= limit.toNanos();
        notCaughtUp = catchUpTimedOut
                ? "The kernel log had not caught up with the guest within " + ConsoleAssert.human(limit)
                        + " (the agent had not sent every record its kernel held): records may be missing."
                : "The kernel log could not catch up with the guest (the agent's channel ended or the agent"
                        + " restarted): records may be missing.";
    }

    private List<KernelRecord> records() {
        return actual.records(maxLevel);
    }

    /**
     * For a check narrowed by {@link #atLevel(int)} that found nothing: the first record that
     * would have matched at a less severe level, so the message does not read as "nothing came".
     */
    private String lessSevere(Predicate<KernelRecord> matches) {
        if (maxLevel == KernelRecord.MAX_LEVEL) {
            return "";
        }
        return actual.records().stream().filter(r -> r.level() > maxLevel && matches.test(r)).findFirst()
                .map(r -> "\nOne record matches at a less severe level (" + r.level() + "):\n  "
                        + String.join("\n  ", r.dmesgLines()))
                .orElse("");
    }

    private String levels() {
        return maxLevel == KernelRecord.MAX_LEVEL ? "" : " at level " + maxLevel + " or more severe";
    }

    private AssertionError failed(String message) {
        return failure("%s", KernelLogTail.append(notCaughtUp == null ? message : message + "\n" + notCaughtUp, actual));
    }
}
