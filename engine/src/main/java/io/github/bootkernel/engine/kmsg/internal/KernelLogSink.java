package io.github.bootkernel.engine.kmsg.internal;

import io.github.bootkernel.engine.agent.internal.KlogReceiver;
import io.github.bootkernel.engine.agent.internal.KlogSyncer;
import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import io.github.bootkernel.engine.kmsg.KmsgRecordParser;
import io.github.bootkernel.engine.kmsg.MalformedKmsgRecordException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The write side of a machine's kernel log: the agent channel's {@link KlogReceiver}. Each raw
 * record is parsed ({@link KmsgRecordParser}) and offered to the {@link RecordLog}, which drops
 * duplicates (a sequence number below the expected one: the agent re-read after a restart) and
 * records gaps (one above it, from 0 at boot: records the ring overwrote before the agent read
 * them, also before it started). Records that do not parse are counted and dropped, and logged
 * once at DEBUG. Each record kept then goes to the record listener (the machine's report scanner).
 * The channel hands over each KLOG request's {@link KlogSyncer} ({@link #streaming}); the log's
 * {@link KernelLog#awaitCaughtUp} asks the current one. Without an agent, or with the kernel log
 * turned off, no syncer ever comes, and the log never catches up.
 *
 * <p>{@link #record} and the other receiver calls run on the channel's reader thread, one at a
 * time; {@link #end()} on any thread.
 */
public final class KernelLogSink implements KlogReceiver {

    private static final System.Logger LOG = System.getLogger(KernelLogSink.class.getName());

    private final RecordLog log;
    private final Consumer<KernelRecord> onRecord;
    /** Raw records that did not parse since the last one that did; on the reader thread only. */
    private long malformedRun;
    private volatile boolean toldMalformed;

    /**
     * @param onRecord gets each record kept, in order, on the reader thread; must be quick and must
     *     not block; one that throws is logged
     */
    public KernelLogSink(Consumer<KernelRecord> onRecord) {
        this(new RecordLog(), onRecord);
    }

    /** A sink writing to {@code log}: for tests with other bounds. */
    KernelLogSink(RecordLog log, Consumer<KernelRecord> onRecord) {
        this.log = Objects.requireNonNull(log, "log");
        this.onRecord = Objects.requireNonNull(onRecord, "onRecord");
    }

    /**
     * A clone's sink: its log starts as the snapshot's was ({@link RecordLog#continuing}).
     *
     * @param saved the snapshot's log content
     * @param onRecord as for {@link #KernelLogSink(Consumer)}
     * @return the sink
     */
    public static KernelLogSink continuing(RecordLog.Saved saved, Consumer<KernelRecord> onRecord) {
        return new KernelLogSink(RecordLog.continuing(saved), onRecord);
    }

    /**
     * Saves the log's content for a snapshot: call while no record is being delivered (the agent
     * channel's reader waits).
     *
     * @return the content
     */
    public RecordLog.Saved save() {
        return log.save();
    }

    /** @return the log users read */
    public KernelLog log() {
        return log;
    }

    @Override
    public long nextSequence() {
        return log.nextSequence();
    }

    @Override
    public void record(byte[] raw) {
        KernelRecord record;
        try {
            record = KmsgRecordParser.parse(raw);
        } catch (MalformedKmsgRecordException e) {
            malformedRun++;
            log.malformed();
            if (!toldMalformed) {
                toldMalformed = true;
                LOG.log(System.Logger.Level.DEBUG, "dropping a kernel log record (later ones are counted): "
                        + e.getMessage());
            }
            return;
        }
        long before = malformedRun;
        malformedRun = 0;
        if (log.offer(record, before)) {
            try {
                onRecord.accept(record);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "kernel log record listener " + onRecord + " threw", e);
            }
        }
    }

    @Override
    public void lost() {
        // The gap shows in the sequence numbers of the next record: RecordLog.offer records it.
        LOG.log(System.Logger.Level.DEBUG, "the agent reports kernel log records overwritten before it read them");
    }

    @Override
    public void streaming(KlogSyncer syncer) {
        log.syncer(syncer);
    }

    @Override
    public void unavailable(String why) {
        log.unavailable(why);
    }

    /** Ends the log with the guest: no record follows, the waits return. Idempotent. */
    public void end() {
        log.end();
    }
}
