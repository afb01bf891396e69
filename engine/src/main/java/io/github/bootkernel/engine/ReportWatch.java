package io.github.bootkernel.engine;

import io.github.bootkernel.engine.kmsg.KernelRecord;
import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.engine.report.KernelReportScanner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A machine's kernel reports: a scanner fed with every console line (on the writing vCPU's thread,
 * as the console's watcher) and one fed with every record of the kernel's log (on the agent channel's
 * reader thread, {@link KernelLogReports}), their reports merged ({@link ReportMerge}); and the
 * listeners told of each distinct completed report once, whichever source completed it first, on
 * a thread of their own ({@code bootkernel-reports-N}, started with the first listener), never on
 * a vCPU thread.
 */
final class ReportWatch {

    private static final System.Logger LOG = System.getLogger(ReportWatch.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Guards the lists below; taken inside a scanner's lock (by {@link #completed}), never around a scanner call. */
    private final Object lock = new Object();
    private final KernelReportScanner scanner = new KernelReportScanner(this::completed);
    private final KernelLogReports kernelLog = new KernelLogReports(this::completed);
    /** The distinct reports completed, in order: what the listeners are told. */
    private final List<KernelReport> done = new ArrayList<>();
    /** Whether each of {@link #done} already stands for a report of the other source. */
    private final List<Boolean> paired = new ArrayList<>();
    private final List<Consumer<KernelReport>> listeners = new ArrayList<>();
    private ExecutorService delivery;
    private boolean finished;

    /** Takes a console line; the console's watcher, on the vCPU thread. */
    void accept(String line) {
        scanner.accept(line);
    }

    /** Takes a record of the kernel's log; on the agent channel's reader thread. */
    void accept(KernelRecord record) {
        kernelLog.accept(record);
    }

    /** The guest ended: the reports being read complete. */
    void end() {
        scanner.end();
        kernelLog.end();
    }

    /** @return the kernel log's reports and the console's that are not also among them, by uptime */
    List<KernelReport> reports() {
        return ReportMerge.merge(kernelLog.reports(), scanner.reports());
    }

    /**
     * Called by a scanner with its lock held: queues the report for the listeners unless it is one
     * the other source completed already.
     */
    private void completed(KernelReport report) {
        synchronized (lock) {
            for (int i = 0; i < done.size(); i++) {
                if (!paired.get(i) && done.get(i).source() != report.source() && done.get(i).isSameReport(report)) {
                    paired.set(i, true);
                    return;
                }
            }
            done.add(report);
            paired.add(false);
            if (finished) {
                return;
            }
            for (Consumer<KernelReport> listener : listeners) {
                delivery.execute(() -> tell(listener, report));
            }
        }
    }

    /**
     * Tells {@code listener} of the reports completed so far, then of each later one, in order, on
     * the delivery thread; after {@link #finish}, of those completed, on the calling thread.
     */
    void listen(Consumer<KernelReport> listener) {
        Objects.requireNonNull(listener, "listener");
        List<KernelReport> replay;
        synchronized (lock) {
            replay = List.copyOf(done);
            if (!finished) {
                if (delivery == null) {
                    delivery = Executors.newSingleThreadExecutor(task -> {
                        Thread thread = new Thread(task, "bootkernel-reports-" + THREADS.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
                }
                listeners.add(listener);
                delivery.execute(() -> replay.forEach(r -> tell(listener, r)));
                return;
            }
        }
        replay.forEach(r -> tell(listener, r));
    }

    /**
     * Gives the listeners up to {@code timeout} to take what is queued, then abandons them; later
     * listeners are told on their caller's thread. Never throws; an interrupt stays set.
     */
    void finish(Duration timeout) {
        ExecutorService executor;
        synchronized (lock) {
            finished = true;
            executor = delivery;
        }
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static void tell(Consumer<KernelReport> listener, KernelReport report) {
        try {
            listener.accept(report);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "kernel report listener " + listener + " threw", e);
        }
    }
}
