package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** The guest's scope follows the declaration; JUnit closes every guest when its scope ends. */
class ScopeTest {

    @BeforeEach
    void clear() {
        PerTest.fields.clear();
        PerTest.params.clear();
        PerClass.statics.clear();
        PerClass.beforeAlls.clear();
        Parallel.guests.clear();
    }

    @Test
    void instanceFieldsAndTestParametersGetAFreshGuestPerTest() {
        TestKit.run(PerTest.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));

        assertThat(PerTest.fields).hasSize(2).doesNotHaveDuplicates();
        assertThat(PerTest.params).hasSize(2).doesNotHaveDuplicates().doesNotContainAnyElementsOf(PerTest.fields);
        assertAllStopped(PerTest.fields);
        assertAllStopped(PerTest.params);
    }

    @Test
    void staticFieldsAndBeforeAllParametersGetOneGuestPerClass() {
        TestKit.run(PerClass.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));

        assertThat(PerClass.statics).hasSize(2);
        assertThat(PerClass.statics.get(0)).isSameAs(PerClass.statics.get(1));
        assertThat(PerClass.beforeAlls).hasSize(2);
        assertThat(PerClass.beforeAlls.get(0)).isSameAs(PerClass.beforeAlls.get(1))
                .isNotSameAs(PerClass.statics.get(0));
        assertAllStopped(PerClass.statics);
        assertAllStopped(PerClass.beforeAlls);
    }

    @Test
    void nestedTestsGetTheEnclosingInstanceFieldFreshAndTheStaticOneShared() {
        TestKit.run(WithNested.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));

        assertThat(WithNested.outerFields).hasSize(2).doesNotHaveDuplicates();
        assertThat(WithNested.statics).hasSize(2);
        assertThat(WithNested.statics.get(0)).isSameAs(WithNested.statics.get(1));
    }

    @Test
    void guestsOfConcurrentTestsAreIndependent() {
        TestKit.run(Parallel.class,
                        "junit.jupiter.execution.parallel.enabled", "true",
                        "junit.jupiter.execution.parallel.config.strategy", "fixed",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism", String.valueOf(Parallel.COUNT))
                .testEvents().assertStatistics(s -> s.started(Parallel.COUNT).succeeded(Parallel.COUNT));

        assertThat(Parallel.guests).hasSize(Parallel.COUNT);
    }

    private static void assertAllStopped(List<Guest> guests) {
        for (Guest guest : guests) {
            assertThat(guest.exit()).map(GuestExit::kind).contains(GuestExit.Kind.STOPPED);
            assertThat(guest.console().isEnded()).isTrue();
        }
    }

    @TestKitOnly
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class PerTest {
        static final List<Guest> fields = new CopyOnWriteArrayList<>();
        static final List<Guest> params = new CopyOnWriteArrayList<>();

        @BootKernel(kernel = "probe", cmdline = "probe.hlt", awaitLine = "probe: ready")
        Guest field;

        @Test
        void first(@BootKernel(kernel = "probe", cmdline = "probe.hlt") Guest param) {
            record(param);
        }

        @Test
        void second(@BootKernel(kernel = "probe", cmdline = "probe.hlt") Guest param) {
            record(param);
        }

        private void record(Guest param) {
            fields.add(field);
            params.add(param);
            assertThat(field.exit()).isEmpty();
            assertThat(param.exit()).isEmpty();
        }
    }

    @TestKitOnly
    static class PerClass {
        static final List<Guest> statics = new CopyOnWriteArrayList<>();
        static final List<Guest> beforeAlls = new CopyOnWriteArrayList<>();

        @BootKernel(kernel = "probe", cmdline = "probe.hlt")
        static Guest shared;

        static Guest fromBeforeAll;

        @BeforeAll
        static void boot(@BootKernel(kernel = "probe", cmdline = "probe.hlt") Guest guest) {
            fromBeforeAll = guest;
        }

        @Test
        void first() {
            record();
        }

        @Test
        void second() {
            record();
        }

        private static void record() {
            statics.add(shared);
            beforeAlls.add(fromBeforeAll);
            assertThat(shared.exit()).isEmpty();
            assertThat(fromBeforeAll.exit()).isEmpty();
        }
    }

    @TestKitOnly
    static class WithNested {
        static final List<Guest> outerFields = new CopyOnWriteArrayList<>();
        static final List<Guest> statics = new CopyOnWriteArrayList<>();

        @BootKernel(kernel = "probe", cmdline = "probe.hlt")
        static Guest shared;

        @BootKernel(kernel = "probe", cmdline = "probe.hlt")
        Guest outer;

        @Nested
        class Inner {
            @Test
            void first() {
                outerFields.add(outer);
                statics.add(shared);
            }

            @Test
            void second() {
                outerFields.add(outer);
                statics.add(shared);
            }
        }
    }

    @TestKitOnly
    @Execution(ExecutionMode.CONCURRENT)
    static class Parallel {
        static final int COUNT = 3;
        static final Set<Guest> guests = ConcurrentHashMap.newKeySet();
        static final CountDownLatch allRunning = new CountDownLatch(COUNT);

        @RepeatedTest(COUNT)
        void boots(@BootKernel(kernel = "probe", cmdline = "probe.flood=200") Guest guest) throws InterruptedException {
            guests.add(guest);
            allRunning.countDown();
            assertThat(allRunning.await(30, TimeUnit.SECONDS)).as("all guests alive at once").isTrue();
            GuestAssertions.assertThat(guest).endsWithin(Duration.ofSeconds(30)).exitedWith(0);
            GuestAssertions.assertThat(guest.console()).hasLinesInOrder("probe: ready", "flood 1$", "flood 200$");
            assertThat(guest.console().lines()).filteredOn(l -> l.startsWith("probe: flood")).hasSize(200);
        }
    }
}
