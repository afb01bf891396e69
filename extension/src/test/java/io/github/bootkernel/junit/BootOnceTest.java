package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The rules of the template guests' boot, without KVM: once, bounded waits, failures kept, interrupts retried. */
class BootOnceTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    /** A value that counts its closes. */
    static final class Value implements AutoCloseable {
        final int number;
        final AtomicInteger closes = new AtomicInteger();

        Value(int number) {
            this.number = number;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void eightConcurrentCallersBuildOnceAndAllGetTheValue() throws Exception {
        BootOnce<Value> once = new BootOnce<>();
        AtomicInteger builds = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch asked = new CountDownLatch(8);
        Supplier<Value> build = () -> {
            int n = builds.incrementAndGet();
            try {
                // Every caller is in get() (or about to be) before the build ends: the others must wait for it.
                assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return new Value(n);
        };
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Value>> got = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                got.add(pool.submit(() -> {
                    asked.countDown();
                    return once.get(build, "caller", LONG);
                }));
            }
            assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(50);
            release.countDown();
            for (Future<Value> f : got) {
                assertThat(f.get(10, TimeUnit.SECONDS).number).isEqualTo(1);
            }
            assertThat(builds).hasValue(1);
            Value value = got.get(0).get();
            once.close();
            once.close();
            assertThat(value.closes).as("closed once by close()").hasValue(1);
            assertThatThrownBy(() -> once.get(build, "late", LONG)).isInstanceOf(BootOnce.Refused.class)
                    .hasMessageContaining("the launcher run has ended");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedBuildFailsEveryLaterCallerWithItsCauseWithoutBuildingAgain() {
        BootOnce<Value> once = new BootOnce<>();
        IllegalStateException cause = new IllegalStateException("the template panicked");
        assertThatThrownBy(() -> once.get(() -> {
            throw cause;
        }, "first", LONG)).isInstanceOfSatisfying(BootOnce.Refused.class, r -> {
            assertThat(r.getCause()).isSameAs(cause);
            assertThat(r.ownBuild()).isTrue();
        });
        AtomicInteger builds = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> once.get(() -> new Value(builds.incrementAndGet()), "later", LONG))
                    .isInstanceOfSatisfying(BootOnce.Refused.class, r -> {
                        assertThat(r.getCause()).isSameAs(cause);
                        assertThat(r.ownBuild()).isFalse();
                    });
        }
        assertThat(builds).hasValue(0);
    }

    @Test
    void aWaiterWaitsNoLongerThanTheBuildsBound() throws Exception {
        BootOnce<Value> once = new BootOnce<>();
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread builder = new Thread(() -> once.get(() -> {
            building.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Value(1);
        }, "the slow boot", Duration.ofMillis(300)));
        builder.start();
        try {
            assertThat(building.await(10, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            assertThatThrownBy(() -> once.get(() -> new Value(2), "waiter", LONG))
                    .isInstanceOf(BootOnce.Refused.class)
                    .hasMessage("the slow boot has not finished within its bound; not waiting longer");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            release.countDown();
            builder.join(10_000);
        }
        assertThat(once.get(() -> new Value(3), "after", LONG).number).as("the slow boot's value, once done").isEqualTo(1);
        once.close();
    }

    @Test
    void anInterruptedWaiterStopsWaitingKeepsItsFlagAndBlamesNoBuild() throws Exception {
        BootOnce<Value> once = new BootOnce<>();
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread builder = new Thread(() -> once.get(() -> {
            building.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Value(1);
        }, "the boot", LONG));
        builder.start();
        try {
            assertThat(building.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> once.get(() -> new Value(2), "waiter", LONG))
                    .isInstanceOfSatisfying(BootOnce.Refused.class, r -> {
                        assertThat(r).hasMessage("interrupted while waiting for the boot").hasNoCause();
                        assertThat(r.ownBuild()).isFalse();
                    });
            assertThat(Thread.interrupted()).as("the flag stays set").isTrue();
        } finally {
            release.countDown();
            builder.join(10_000);
        }
        assertThat(once.get(() -> new Value(3), "after", LONG).number).isEqualTo(1);
        once.close();
    }

    @Test
    void aBuildWhoseThreadWasInterruptedIsForgottenAndTheNextCallerBuilds() throws Exception {
        BootOnce<Value> once = new BootOnce<>();
        Thread builder = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                once.get(() -> {
                    throw new IllegalStateException("interrupted while booting");
                }, "interrupted", LONG);
            } catch (BootOnce.Refused expected) {
                // its own failure
            }
        });
        builder.start();
        builder.join(10_000);
        assertThat(once.get(() -> new Value(7), "next", LONG).number).isEqualTo(7);
        once.close();
    }

    @Test
    void aValueBuiltAfterCloseIsClosedAtOnce() {
        BootOnce<Value> once = new BootOnce<>();
        Value value = new Value(1);
        assertThatThrownBy(() -> once.get(() -> {
            once.close();
            return value;
        }, "builder", LONG)).isInstanceOf(BootOnce.Refused.class).hasMessageContaining("the launcher run ended");
        assertThat(value.closes).hasValue(1);
    }
}
