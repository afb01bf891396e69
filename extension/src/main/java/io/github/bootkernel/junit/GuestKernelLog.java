package io.github.bootkernel.junit;

import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelLogGap;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A guest's kernel log as {@link Guest#kernelLog()} hands it out: the machine's log, and how long
 * {@link KernelLogAssert} waits for it to catch up with the guest (the guest's
 * {@link Guest#execTimeout()}). Everything else is the machine's log's.
 */
final class GuestKernelLog implements KernelLog {

    private final KernelLog log;
    private final Duration catchUpLimit;

    GuestKernelLog(KernelLog log, Duration catchUpLimit) {
        this.log = Objects.requireNonNull(log, "log");
        this.catchUpLimit = Objects.requireNonNull(catchUpLimit, "catchUpLimit");
    }

    /** @return how long the assertions wait for the log to catch up with the guest */
    Duration catchUpLimit() {
        return catchUpLimit;
    }

    @Override
    public boolean isAvailable() {
        return log.isAvailable();
    }

    @Override
    public Optional<String> unavailableReason() {
        return log.unavailableReason();
    }

    @Override
    public boolean isEnded() {
        return log.isEnded();
    }

    @Override
    public List<KernelRecord> records() {
        return log.records();
    }

    @Override
    public List<KernelRecord> records(int maxLevel) {
        return log.records(maxLevel);
    }

    @Override
    public List<KernelLogGap> gaps() {
        return log.gaps();
    }

    @Override
    public long lostRecords() {
        return log.lostRecords();
    }

    @Override
    public long droppedRecords() {
        return log.droppedRecords();
    }

    @Override
    public long malformedRecords() {
        return log.malformedRecords();
    }

    @Override
    public Optional<KernelRecord> awaitRecord(Pattern messagePattern, Duration timeout) throws InterruptedException {
        return log.awaitRecord(messagePattern, timeout);
    }

    @Override
    public Optional<KernelRecord> awaitRecord(Predicate<KernelRecord> condition, Duration timeout)
            throws InterruptedException {
        return log.awaitRecord(condition, timeout);
    }

    @Override
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return log.awaitCaughtUp(timeout);
    }

    @Override
    public List<String> tail(int n) {
        return log.tail(n);
    }

    @Override
    public String toString() {
        return log.toString();
    }
}
