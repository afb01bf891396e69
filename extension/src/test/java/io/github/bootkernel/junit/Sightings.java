package io.github.bootkernel.junit;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * What the fixtures of {@link SharedFieldTest} saw: for every look at a guest field, whether the
 * guest belonged to the looking run (it is among the guests of the run's context and its
 * ancestors) and whether it still ran. Also a rendezvous that makes class runs overlap.
 */
final class Sightings {

    /** Every guest seen. */
    static final List<Guest> seen = new CopyOnWriteArrayList<>();
    /** Looks that found another run's guest, or none, or an ended one: what kind 12 was. */
    static final List<String> wrong = new CopyOnWriteArrayList<>();

    private static final Set<Class<?>> arrived = ConcurrentHashMap.newKeySet();
    private static volatile CountDownLatch rendezvous = new CountDownLatch(0);

    private Sightings() {
    }

    /** Forgets everything; {@code classes} runs are to meet at {@link #meet}. */
    static void reset(int classes) {
        seen.clear();
        wrong.clear();
        arrived.clear();
        rendezvous = new CountDownLatch(classes);
    }

    /** Records a look at {@code guest} from the run of {@code context}. */
    static void look(ExtensionContext context, Guest guest, String what) {
        String where = context.getUniqueId() + " " + what;
        if (guest == null) {
            wrong.add(where + ": no guest");
            return;
        }
        seen.add(guest);
        if (!Guests.visibleFrom(context).contains(guest)) {
            wrong.add(where + ": another run's guest " + guest);
        }
        if (guest.exit().isPresent()) {
            wrong.add(where + ": an ended guest (" + guest.exit().get() + ")");
        }
    }

    /**
     * Waits until every class of the run has its guests (it calls this from {@code @BeforeAll}) or
     * has failed to get them ({@link Arrival}), so that their tests overlap.
     */
    static void meet(Class<?> testClass) throws InterruptedException {
        arrive(testClass);
        if (!rendezvous.await(30, TimeUnit.SECONDS)) {
            wrong.add(testClass.getName() + ": the other classes did not arrive");
        }
    }

    private static void arrive(Class<?> testClass) {
        if (arrived.add(testClass)) {
            rendezvous.countDown();
        }
    }

    /** Counts a class that never reached its {@code @BeforeAll} (its guests were refused) as arrived. */
    static final class Arrival implements AfterAllCallback {
        @Override
        public void afterAll(ExtensionContext context) {
            arrive(context.getRequiredTestClass());
        }
    }

    /** Hands fixture methods their extension context. */
    static final class Context implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == ExtensionContext.class;
        }

        @Override
        public ExtensionContext resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context;
        }
    }
}
