package io.github.bootkernel.junit;

import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.ktap.KtapParser;
import io.github.bootkernel.engine.ktap.KtapTest;
import io.github.bootkernel.engine.ktap.KtapTest.Result;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * A guest's KTAP results (KUnit, kselftest's TAP 13) as JUnit tests, from a
 * {@link org.junit.jupiter.api.TestFactory @TestFactory}: a container per test with subtests (a
 * KUnit suite) and a test per test case, with the names the kernel printed, so Surefire and
 * Failsafe reports and IDEs list every case.
 *
 * <pre>{@code
 * // the busybox image gives the kernel a userspace after its tests; without one it panics,
 * // which fails the class (BootKernel#failOnReports)
 * @BootKernel(kernel = "tiny-kunit", initramfs = "busybox", cmdline = "loglevel=7")
 * static Guest guest;
 *
 * @TestFactory
 * Stream<DynamicNode> kunit() {
 *     return KtapTests.of(guest);
 * }
 * }</pre>
 *
 * <p>Results appear as the guest prints them: the stream reads the console lazily, on JUnit's
 * thread, and hands JUnit each suite when its header is printed and each case when its result line
 * is. A case that passed passes; one that failed fails with its diagnostic lines and the console's
 * tail; a skipped case (SKIP directive) and a TODO one are aborted with the reason, which JUnit
 * reports as skipped; a case whose result line never came ({@link Result#CRASHED}: the kernel
 * crashed or hung, or the time ran out) fails, saying so, with the lines the kernel printed after
 * the last result. A suite whose own result line says it failed while none of its cases did gets
 * one more test, {@code "<suite> (suite result)"}, that fails. The stream ends with the first KTAP
 * run's end: its plan is complete, the console ends, or the time is up. Without any KTAP by then
 * it holds one failing test, {@code "KTAP"}, that says so. Parsing follows {@link KtapParser}.
 *
 * <p>The console is read from its first line, so a factory may run after the guest printed its
 * results. KTAP goes to the kernel log at {@code KERN_INFO}: a kernel booted with {@code quiet}
 * prints it only if {@code loglevel=7} follows on the command line.
 */
public final class KtapTests {

    private KtapTests() {
    }

    /**
     * The KTAP results of a guest, waiting at most as long as the guest may live
     * ({@link io.github.bootkernel.engine.MachineConfig#timeout()}; an hour if it has no limit).
     *
     * @param guest the guest whose console prints KTAP
     * @return the dynamic tests, produced lazily
     */
    public static Stream<DynamicNode> of(Guest guest) {
        Objects.requireNonNull(guest, "guest");
        return of(guest.console(), guest.config().timeout().orElse(Duration.ofHours(1)));
    }

    /**
     * The KTAP results of a console.
     *
     * @param console the console, read from its first line
     * @param timeout how long to wait, from this call, for the run to end; then the tests still
     *     open crash
     * @return the dynamic tests, produced lazily
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static Stream<DynamicNode> of(Console console, Duration timeout) {
        Objects.requireNonNull(console, "console");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout " + timeout + " is negative");
        }
        KtapFeed feed = new KtapFeed(console, timeout);
        return stream(new Level(feed, 1, true));
    }

    private static Stream<DynamicNode> stream(Iterator<DynamicNode> nodes) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(nodes, Spliterator.ORDERED), false);
    }

    /**
     * The nodes at one depth: the run's tests (depth 1), or one container's subtests. It stops at
     * its container's end, or, for the top level, at the run's.
     */
    private static final class Level implements Iterator<DynamicNode> {

        private final KtapFeed feed;
        private final int depth;
        private final boolean top;
        private DynamicNode next;
        private boolean done;
        private boolean anyCaseFailed;
        private boolean saidNoKtap;

        Level(KtapFeed feed, int depth, boolean top) {
            this.feed = feed;
            this.depth = depth;
            this.top = top;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                next = advance();
                done = next == null;
            }
            return next != null;
        }

        @Override
        public DynamicNode next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            DynamicNode node = next;
            next = null;
            return node;
        }

        private DynamicNode advance() {
            while (true) {
                Optional<KtapFeed.Event> peeked = peek();
                if (peeked.isEmpty()) {
                    boolean none = top && !feed.runStarted() && !saidNoKtap;
                    saidNoKtap = true;
                    return none ? noKtap() : null;
                }
                KtapFeed.Event event = peeked.get();
                if (top && event.depth() == 0 && event.isStart()) {
                    feed.take();   // the run's header: its tests are this level
                    continue;
                }
                if (event.depth() > depth) {
                    feed.take();   // left over by a container JUnit did not enter
                    continue;
                }
                if (event.depth() < depth) {
                    if (event.depth() == depth - 1 && !event.isStart()) {
                        feed.take();   // this level's container (or run) ended
                        return ownResult(event.test());
                    }
                    return null;
                }
                feed.take();
                if (event.isStart()) {
                    Level children = new Level(feed, depth + 1, false);
                    return DynamicContainer.dynamicContainer(event.name().isEmpty() ? "KTAP test" : event.name(),
                            stream(children));
                }
                if (event.container()) {
                    continue;   // the end of a container whose subtests JUnit did not read
                }
                KtapTest test = event.test();
                anyCaseFailed |= test.result() == Result.FAILED || test.result() == Result.CRASHED;
                return DynamicTest.dynamicTest(test.label(), () -> KtapVerdict.check(test, feed.console()));
            }
        }

        /** A failed suite none of whose cases failed still shows as a failure. */
        private DynamicNode ownResult(KtapTest container) {
            boolean failed = container.result() == Result.FAILED || container.result() == Result.CRASHED;
            if (top || !failed || anyCaseFailed) {
                return null;
            }
            return DynamicTest.dynamicTest(container.label() + " (suite result)",
                    () -> KtapVerdict.check(container, feed.console()));
        }

        private DynamicNode noKtap() {
            Console console = feed.console();
            return DynamicTest.dynamicTest("KTAP", () -> KtapVerdict.noKtap(console));
        }

        private Optional<KtapFeed.Event> peek() {
            try {
                return feed.peek();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
