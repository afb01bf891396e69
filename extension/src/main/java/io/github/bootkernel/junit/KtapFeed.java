package io.github.bootkernel.junit;

import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.ktap.KtapListener;
import io.github.bootkernel.engine.ktap.KtapParser;
import io.github.bootkernel.engine.ktap.KtapTest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads a console into a {@link KtapParser} on the thread that asks for the next event (JUnit's),
 * waiting on the console's own condition variable: no thread of its own, and every wait ends when
 * the guest does. Confined to one thread.
 */
final class KtapFeed {

    /**
     * What the parser told, in order.
     *
     * @param depth the test's depth (1 for a run's tests)
     * @param name for a start: the header's name
     * @param test for a finish: the test; null for a start
     * @param container for a finish: whether the test was started (has subtests)
     */
    record Event(int depth, String name, KtapTest test, boolean container) {

        boolean isStart() {
            return test == null;
        }
    }

    private final Console console;
    private final Duration timeout;
    private final long deadline;
    private final KtapParser parser;
    private final Deque<Event> events = new ArrayDeque<>();
    private final Deque<Integer> startedDepths = new ArrayDeque<>();
    private long next;
    private boolean inputEnded;
    private boolean runStarted;

    KtapFeed(Console console, Duration timeout) {
        this.console = console;
        this.timeout = timeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
        this.parser = new KtapParser(new KtapListener() {
            @Override
            public void started(int depth, int number, String name, OptionalInt plan) {
                runStarted = true;
                startedDepths.push(depth);
                events.add(new Event(depth, name, null, false));
            }

            @Override
            public void finished(int depth, KtapTest test) {
                boolean container = !startedDepths.isEmpty() && startedDepths.peek() == depth;
                if (container) {
                    startedDepths.pop();
                }
                events.add(new Event(depth, "", test, container));
            }
        });
    }

    Console console() {
        return console;
    }

    /** Whether a run's header was seen. */
    boolean runStarted() {
        return runStarted;
    }

    /**
     * Returns the next event without taking it, reading console lines until the parser has one,
     * the console ends, or the time is up (then the tests still open crash).
     *
     * @return the event, or empty once the input has ended and every event was taken
     * @throws InterruptedException if interrupted while waiting for a line
     */
    Optional<Event> peek() throws InterruptedException {
        while (events.isEmpty() && !inputEnded) {
            read();
        }
        return Optional.ofNullable(events.peek());
    }

    /** Takes the event {@link #peek()} returned. */
    void take() {
        events.remove();
    }

    private void read() throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            end(String.format(Locale.ROOT, "no KTAP result within %.1f s (the guest still runs)",
                    timeout.toMillis() / 1000.0));
            return;
        }
        long from = next;
        long[] read = {0};
        Optional<String> hit = console.awaitLine(line -> {
            read[0]++;
            parser.accept(line);
            return !events.isEmpty();
        }, Duration.ofNanos(left), from);
        next = from + read[0];
        if (console.droppedLines() > from) {
            // The history's bound evicted lines this feed had not read: say so, go on from now.
            long now = console.lineCount();
            if (now > next) {
                parser.accept("bootkernel: " + (now - next) + " console lines were lost before KTAP read them");
                next = now;
            }
        }
        if (hit.isEmpty() && console.isEnded()) {
            String partial = console.partialLine();
            if (!partial.isEmpty()) {
                parser.accept(partial);
            }
            end("the guest ended (" + console.endReason().orElse("the console ended") + ")");
        }
    }

    private void end(String why) {
        inputEnded = true;
        parser.end(why);
    }
}
