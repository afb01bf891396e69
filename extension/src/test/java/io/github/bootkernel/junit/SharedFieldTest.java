package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.github.bootkernel.engine.GuestExit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Issue 8, kind 12: a guest field that several runs can see (a static field inherited by several
 * classes, the static field of a class template, an instance field of a shared test instance)
 * hands each run its own guest, or fails the run with the field and the fix; under JUnit's parallel
 * execution (classes and methods concurrent) no test ever sees another run's guest, and each case
 * is repeated so that the old fault (another class's guest, closed under the test) would show
 * every time: the classes meet in {@code @BeforeAll}, after their guests were assigned.
 */
class SharedFieldTest {

    /** Runs of a case that showed the old fault: enough for it to show every time. */
    private static final int RUNS = 20;
    /** Runs of a case that only shows a way out or a refusal, which do not depend on timing. */
    private static final int FEWER_RUNS = 5;
    private static final String[] PARALLEL = {
        "junit.jupiter.execution.parallel.enabled", "true",
        "junit.jupiter.execution.parallel.mode.default", "concurrent",
        "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
        "junit.jupiter.execution.parallel.config.strategy", "fixed",
        "junit.jupiter.execution.parallel.config.fixed.parallelism", "4",
    };
    private static final String[] MATRIX = {
        "junit.jupiter.execution.parallel.enabled", "true",
        "junit.jupiter.execution.parallel.mode.default", "concurrent",
        "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
        Settings.KERNELS, "probe-a, probe-b",
        Settings.KERNEL_ID_PREFIX + "probe-a", TestKit.probePath(),
        Settings.KERNEL_ID_PREFIX + "probe-b", TestKit.probePath(),
    };

    @Test
    void concurrentClassesInheritingOneStaticFieldFailTheLaterOneNamingTheFieldAndTheFix() {
        repeat(RUNS, 2, List.of(InheritsA.class, InheritsB.class), PARALLEL, results -> {
            results.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m ->
                    m.startsWith("@BootKernel field " + SharedBase.class.getName() + ".shared (static) holds one guest"
                            + " at a time, but class " + SharedFieldTest.class.getName() + "$Inherits")
                            && m.contains("may run at the same time (JUnit's parallel execution)")
                            && m.contains("Declare the field in each test class rather than in "
                                    + SharedBase.class.getName())
                            && m.endsWith("annotate " + SharedBase.class.getName() + " with @ResourceLock(\"bootkernel:"
                                    + SharedBase.class.getName() + ".shared\")")))));
            results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
            assertThat(Sightings.seen).hasSize(2).containsOnly(Sightings.seen.get(0));
        });
        assertThat(SharedBase.shared).as("the field once its classes ended").isNull();
    }

    @Test
    void classesInheritingALockedStaticFieldRunOneAtATimeEachWithItsOwnGuest() {
        repeat(FEWER_RUNS, 0, List.of(LockedA.class, LockedB.class), PARALLEL, results -> {
            results.testEvents().assertStatistics(s -> s.started(4).succeeded(4));
            assertThat(Sightings.seen).hasSize(4);
            assertThat(Sightings.seen.stream().distinct()).hasSize(2);
        });
    }

    @Test
    void classesInheritingAStaticFieldInTheEngineThreadRunOneAtATimeEachWithItsOwnGuest() {
        repeat(FEWER_RUNS, 0, List.of(InOneThreadA.class, InOneThreadB.class), PARALLEL, results -> {
            results.testEvents().assertStatistics(s -> s.started(4).succeeded(4));
            assertThat(Sightings.seen.stream().distinct()).hasSize(2);
        });
    }

    @Test
    void concurrentClassesWithTheirOwnStaticFieldsEachGetTheirOwnGuest() {
        repeat(FEWER_RUNS, 2, List.of(OwnFieldA.class, OwnFieldB.class), PARALLEL, results -> {
            results.testEvents().assertStatistics(s -> s.started(4).succeeded(4));
            assertThat(Sightings.seen.stream().distinct()).hasSize(2);
        });
    }

    @Test
    void nestedClassesShareTheEnclosingStaticGuestAndGetTheirOwnInstanceGuests() {
        repeat(RUNS, 0, List.of(Outer.class), PARALLEL, results -> {
            results.testEvents().assertStatistics(s -> s.started(5).succeeded(5));
            assertThat(Outer.statics).hasSize(5).containsOnly(Outer.statics.get(0));
            assertThat(Outer.instances).hasSize(5).doesNotHaveDuplicates();
        });
    }

    @Test
    void nestedClassInheritingTheFieldItsEnclosingClassHoldsFailsUnderParallelExecution() {
        repeat(FEWER_RUNS, 0, List.of(OuterInherits.class), PARALLEL, results -> {
            results.containerEvents().assertThatEvents().haveExactly(1, event(
                    container("nested-class:InnerInherits"), finishedWithFailure(message(m ->
                            m.contains("holds one guest at a time, but class " + OuterInherits.InnerInherits.class.getName()
                                    + " inherits it while its enclosing class " + OuterInherits.class.getName()
                                    + " holds it, and their tests may run at the same time")
                                    && m.contains("use the enclosing class's guest instead of inheriting the field")))));
            results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        });
    }

    @Test
    void nestedClassInheritingTheFieldItsEnclosingClassHoldsGetsItsOwnGuestWithoutParallelExecution() {
        repeat(FEWER_RUNS, 0, List.of(OuterInherits.class), new String[0], results -> {
            results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
            // the outer test, the nested test, and the outer @AfterAll: its own guest again
            assertThat(Sightings.seen).hasSize(3);
            assertThat(Sightings.seen.get(0)).isSameAs(Sightings.seen.get(2)).isNotSameAs(Sightings.seen.get(1));
        });
        assertThat(NestBase.inherited).isNull();
    }

    @Test
    void matrixRunsEachGetTheirOwnStaticGuestUnderParallelExecution() {
        repeat(RUNS, 0, List.of(Matrix.class), MATRIX, results -> {
            results.testEvents().assertStatistics(s -> s.started(4).succeeded(4));
            assertThat(Sightings.seen.stream().distinct()).hasSize(2);
        });
        assertThat(Matrix.shared).isNull();
    }

    @Test
    void concurrentTestsOfASharedTestInstanceFailTheLaterOneNamingTheFieldAndTheFix() {
        repeat(RUNS, 0, List.of(SharedInstance.class), PARALLEL, results -> {
            results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
            results.testEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m ->
                    m.startsWith("@BootKernel field " + SharedInstance.class.getName() + ".guest holds one guest at a"
                            + " time, but it belongs to a test instance that several tests share")
                            && m.endsWith("annotate it with @Execution(SAME_THREAD)")))));
        });
    }

    @Test
    void testsOfASharedTestInstanceInOneThreadEachGetTheirOwnGuest() {
        repeat(FEWER_RUNS, 0, List.of(SharedInstanceOneThread.class), PARALLEL, results -> {
            results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
            assertThat(Sightings.seen).hasSize(2).doesNotHaveDuplicates();
        });
    }

    /**
     * Runs the fixtures {@code runs} times; after each run: the checks, no look at another run's
     * guest, and every guest seen has been stopped (its machine closed).
     */
    private static void repeat(int runs, int meeting, List<Class<?>> fixtures, String[] parameters,
                               Consumer<EngineExecutionResults> checks) {
        for (int run = 0; run < runs; run++) {
            Sightings.reset(meeting);
            Outer.statics.clear();
            Outer.instances.clear();
            EngineExecutionResults results = TestKit.run(fixtures, parameters);
            checks.accept(results);
            assertThat(Sightings.wrong).as("run %d", run).isEmpty();
            for (Guest guest : Sightings.seen) {
                assertThat(guest.exit()).map(GuestExit::kind).contains(GuestExit.Kind.STOPPED);
            }
        }
    }

    /** Two tests, concurrent under {@link #PARALLEL}, that look at the guest field of their run. */
    @ExtendWith({Sightings.Context.class, Sightings.Arrival.class})
    abstract static class Looks {
        /** The field looked at, read when a test runs. */
        abstract Guest guest();

        /** What a test does before it looks. */
        void beforeLooking() throws InterruptedException {
        }

        @Test
        void first(ExtensionContext context) throws InterruptedException {
            beforeLooking();
            Sightings.look(context, guest(), "guest field");
        }

        @Test
        void second(ExtensionContext context) throws InterruptedException {
            beforeLooking();
            Sightings.look(context, guest(), "guest field");
        }
    }

    /** Its classes meet once they have their guests, so that their tests overlap. */
    abstract static class Meets extends Looks {
        @BeforeAll
        static void meet(TestInfo info) throws InterruptedException {
            Sightings.meet(info.getTestClass().orElseThrow());
        }
    }

    abstract static class SharedBase extends Meets {
        @BootKernel(kernel = "probe", cmdline = "probe.hlt")
        static Guest shared;

        @Override
        Guest guest() {
            return shared;
        }
    }

    @TestKitOnly
    static class InheritsA extends SharedBase {
    }

    @TestKitOnly
    static class InheritsB extends SharedBase {
    }

    /** The fix the message names: the same inherited field, its classes run one at a time. */
    @ResourceLock("bootkernel:io.github.bootkernel.junit.SharedFieldTest$SharedBase.shared")
    abstract static class LockedBase extends SharedBase {
    }

    @TestKitOnly
    static class LockedA extends LockedBase {
    }

    @TestKitOnly
    static class LockedB extends LockedBase {
    }

    /** The same inherited field, its classes in the engine's thread, one after the other. */
    @Execution(ExecutionMode.SAME_THREAD)
    abstract static class InOneThreadBase extends SharedBase {
    }

    @TestKitOnly
    static class InOneThreadA extends InOneThreadBase {
    }

    @TestKitOnly
    static class InOneThreadB extends InOneThreadBase {
    }

    @TestKitOnly
    static class OwnFieldA extends Meets {
        @BootKernel(kernel = "probe", cmdline = "probe.hlt")
        static Guest shared;

        @Override
        Guest guest() {
            return shared;
        }
    }

    @TestKitOnly
    static class OwnFieldB extends Meets {
        @BootKernel(kernel = "probe", cmdline = "probe.hlt")
        static Guest shared;

        @Override
        Guest guest() {
            return shared;
        }
    }

    @TestKitOnly
    @ExtendWith(Sightings.Context.class)
    static class Outer {
        static final List<Guest> statics = new CopyOnWriteArrayList<>();
        static final List<Guest> instances = new CopyOnWriteArrayList<>();

        @BootKernel(kernel = "probe", cmdline = "probe.hlt")
        static Guest shared;

        @BootKernel(kernel = "probe", cmdline = "probe.hlt")
        Guest own;

        @Test
        void outer(ExtensionContext context) {
            look(context);
        }

        void look(ExtensionContext context) {
            Sightings.look(context, shared, "shared");
            Sightings.look(context, own, "own");
            statics.add(shared);
            instances.add(own);
        }

        @Nested
        class First {
            @Test
            void a(ExtensionContext context) {
                look(context);
            }

            @Test
            void b(ExtensionContext context) {
                look(context);
            }
        }

        @Nested
        class Second {
            @Test
            void a(ExtensionContext context) {
                look(context);
            }

            @Test
            void b(ExtensionContext context) {
                look(context);
            }
        }
    }

    abstract static class NestBase {
        @BootKernel(kernel = "probe", cmdline = "probe.hlt")
        static Guest inherited;
    }

    @TestKitOnly
    @ExtendWith(Sightings.Context.class)
    static class OuterInherits extends NestBase {
        @Test
        void outer(ExtensionContext context) {
            Sightings.look(context, inherited, "inherited");
        }

        @AfterAll
        static void stillOwn(ExtensionContext context) {
            Sightings.look(context, inherited, "inherited after the nested class");
        }

        @Nested
        class InnerInherits extends NestBase {
            @Test
            void inner(ExtensionContext context) {
                Sightings.look(context, inherited, "inherited");
            }
        }
    }

    /** Its tests look late, so that runs which overlap (as they did before the fix) see each other's guest. */
    @TestKitOnly
    @KernelMatrix
    static class Matrix extends Looks {
        @BootKernel(cmdline = "probe.hlt")
        static Guest shared;

        @Override
        Guest guest() {
            return shared;
        }

        @Override
        void beforeLooking() throws InterruptedException {
            Thread.sleep(50);
        }
    }

    /** Its tests run concurrently only when asked: PER_CLASS makes them same-thread by default. */
    @TestKitOnly
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @Execution(ExecutionMode.CONCURRENT)
    static class SharedInstance extends Looks {
        @BootKernel(kernel = "probe", cmdline = "probe.hlt")
        Guest guest;

        @Override
        Guest guest() {
            return guest;
        }
    }

    @TestKitOnly
    @Execution(ExecutionMode.SAME_THREAD)
    static class SharedInstanceOneThread extends SharedInstance {
    }
}
