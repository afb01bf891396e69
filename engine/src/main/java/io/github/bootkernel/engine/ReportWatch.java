package io.github.bootkernel.engine;

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
 * A machine's kernel reports: the scanner fed with every console line (on the vCPU thread, as the
 * console's watcher), and the listeners told of each completed report on a thread of their own
 * ({@code bootkernel-reports-N}, started with the first listener), never on the vCPU thread.
 */
final class ReportWatch {

    private static final System.Logger LOG = System.getLogger(ReportWatch.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final KernelReportScanner scanner = new KernelReportScanner(this::completed);
    /** Guarded by {@link #scanner}'s lock, which the scanner holds while it calls {@link #completed}. */
    private final List<KernelReport> done = new ArrayList<>();
    private final List<Consumer<KernelReport>> listeners = new ArrayList<>();
    private ExecutorService delivery;
    private boolean finished;

    /** Takes a console line; the console's watcher, on the vCPU thread. */
    void accept(String line) {
        scanner.accept(line);
    }

    /** The console ended: the report being read completes. */
    void end() {
        scanner.end();
    }

    List<KernelReport> reports() {
        return scanner.reports();
    }

    /** Called by the scanner with its lock held: only queues the report for the listeners. */
    private void completed(KernelReport report) {
        done.add(report);
        if (finished) {
            return;
        }
        for (Consumer<KernelReport> listener : listeners) {
            delivery.execute(() -> tell(listener, report));
        }
    }

    /**
     * Tells {@code listener} of the reports completed so far, then of each later one, in order, on
     * the delivery thread; after {@link #finish}, of those completed, on the calling thread.
     */
    void listen(Consumer<KernelReport> listener) {
        Objects.requireNonNull(listener, "listener");
        List<KernelReport> replay;
        synchronized (scanner) {
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
        synchronized (scanner) {
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
