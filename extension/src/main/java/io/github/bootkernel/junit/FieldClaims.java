package io.github.bootkernel.junit;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Assigns guests to {@link BootKernel @BootKernel} fields, and keeps a field that several runs can
 * see from handing one run another run's guest.
 *
 * <p>A static field is seen by every class that declares or inherits it and by every run of a
 * class template; an instance field of a test instance that several tests share
 * ({@code @TestInstance(PER_CLASS)}) by all those tests. Such a field holds one guest at a time
 * (JUnit's {@code @TempDir} overwrites it, junit-framework issue #2893), so a run (a class, a
 * class-template invocation, a test) <em>claims</em> it before its guest boots, and the claim
 * fails with a message naming the field, both runs and the fix when another run that may overlap
 * with it in time holds the field now or held it earlier in this launcher run ({@link RunPath}
 * decides "may overlap" from JUnit's execution modes and locks): a configuration that can hand out
 * the wrong guest fails every time, not only when the timing is unlucky. When the run ends, the
 * field gets back the value it had before the claim (null, or, for a nested class that inherits
 * its enclosing class's field without parallel execution, the enclosing class's guest).
 *
 * <p>Claims being held live in one map for the whole JVM, as a static field does; the record of
 * earlier claims lives in the store of the scope the field is shared in (the launcher run for a
 * static field, the class for a shared instance), so it ends with that scope.
 */
final class FieldClaims {

    private static final String PARALLEL = "junit.jupiter.execution.parallel.enabled";

    /** The claims being held; also the lock for every check and update of claims. */
    private static final Map<Slot, List<Claim>> HELD = new HashMap<>();

    private FieldClaims() {
    }

    /**
     * Assigns a guest to a field for the run of {@code context}: claims the field if other runs
     * can see it, then boots, then assigns. The claim is released when the context ends.
     *
     * @param context the run: a class, a class-template invocation, or a test
     * @param field the field
     * @param instance the test instance, or null for a static field
     * @param boot starts the guest
     * @throws ExtensionConfigurationException if another run that may overlap holds the field
     */
    static void assign(ExtensionContext context, Field field, Object instance, Supplier<Guest> boot) {
        Optional<ExtensionContext> scope = instance == null ? Optional.of(context.getRoot()) : sharingScope(context, instance);
        if (scope.isPresent()) {
            Claim claim = claim(context, scope.get(), new Slot(field, instance));
            context.getStore(Guests.NAMESPACE).put(claim, claim);
        }
        set(field, instance, boot.get());
    }

    /**
     * The outermost run whose test instance (or enclosing instance) {@code instance} is: the tests
     * under it share it. Empty for an instance of one test alone.
     */
    private static Optional<ExtensionContext> sharingScope(ExtensionContext context, Object instance) {
        ExtensionContext scope = null;
        for (ExtensionContext c = context.getParent().orElse(null); c != null; c = c.getParent().orElse(null)) {
            boolean holds = c.getTestInstances()
                    .map(i -> i.getAllInstances().stream().anyMatch(x -> x == instance)).orElse(false);
            if (holds) {
                scope = c;
            }
        }
        return Optional.ofNullable(scope);
    }

    private static Claim claim(ExtensionContext context, ExtensionContext scope, Slot slot) {
        RunPath path = RunPath.of(context);
        String run = describeRun(context);
        boolean parallel = context.getConfigurationParameter(PARALLEL).map(Boolean::parseBoolean).orElse(false);
        History history = scope.getStore(Guests.NAMESPACE)
                .computeIfAbsent("field claims " + scope.getUniqueId(), k -> new History(), History.class);
        synchronized (HELD) {
            for (Claim held : HELD.getOrDefault(slot, List.of())) {
                if (held.root != context.getRoot()) {
                    throw conflict(slot, run, held.run + " (in another launcher run of this JVM, still running)", false);
                }
                if (!held.path.contains(path)) {
                    throw conflict(slot, run, held.run, false);
                }
            }
            if (parallel) {
                for (Holder earlier : history.holders(slot)) {
                    if (earlier.path.mayOverlap(path)) {
                        throw conflict(slot, run, earlier.run, earlier.path.contains(path));
                    }
                }
            }
            Claim claim = new Claim(slot, context.getRoot(), path, run, get(slot.field, slot.instance));
            HELD.computeIfAbsent(slot, s -> new ArrayList<>()).add(claim);
            history.holders(slot).add(new Holder(path, run));
            return claim;
        }
    }

    private static ExtensionConfigurationException conflict(Slot slot, String claimant, String holder,
                                                            boolean enclosing) {
        Field field = slot.field;
        String declaring = field.getDeclaringClass().getName();
        String lock = "@ResourceLock(\"" + StaticFieldLocks.key(field) + "\")";
        String head = "@BootKernel " + BootKernelExtension.describe(field) + " holds one guest at a time, but ";
        if (slot.instance != null) {
            String owner = slot.instance.getClass().getName();
            return new ExtensionConfigurationException(head + "it belongs to a test instance that several tests share"
                    + " (@TestInstance(PER_CLASS)), and " + claimant + " and " + holder + " may run at the same time"
                    + " (JUnit's parallel execution): one would use the other's guest and lose it when the other ends."
                    + " Use a parameter of the test method for a guest per test, a static field for a guest per class,"
                    + " or run the tests of " + owner + " one at a time: annotate it with @Execution(SAME_THREAD)");
        }
        if (enclosing) {
            return new ExtensionConfigurationException(head + claimant + " inherits it while its enclosing "
                    + holder + " holds it, and their tests may run at the same time (JUnit's parallel execution): one"
                    + " would use the other's guest and lose it when the other ends. A @Nested class sees the static"
                    + " fields of its enclosing class: use the enclosing class's guest instead of inheriting the field"
                    + " again, or have JUnit run these tests one at a time: annotate " + declaring + " with " + lock);
        }
        return new ExtensionConfigurationException(head + claimant + " and " + holder + " both have it and may run"
                + " at the same time (JUnit's parallel execution): one would use the other's guest and lose it when the"
                + " other ends. Declare the field in each test class rather than in " + declaring + ", or have JUnit"
                + " run these classes one at a time: annotate " + declaring + " with " + lock);
    }

    /** For messages: {@code class X}, {@code class X (run 'probe-a')}, {@code test 'first()' of X}. */
    private static String describeRun(ExtensionContext context) {
        String testClass = context.getRequiredTestClass().getName();
        if (context.getTestMethod().isPresent()) {
            return "test '" + context.getDisplayName() + "' of " + testClass;
        }
        boolean invocation = context.getParent().flatMap(ExtensionContext::getTestClass)
                .filter(context.getRequiredTestClass()::equals).isPresent();
        return "class " + testClass + (invocation ? " (run '" + context.getDisplayName() + "')" : "");
    }

    private static Object get(Field field, Object instance) {
        try {
            return ReflectionSupport.makeAccessible(field).get(instance);
        } catch (IllegalAccessException e) {
            throw new ExtensionConfigurationException("cannot read " + BootKernelExtension.describe(field), e);
        }
    }

    private static void set(Field field, Object instance, Object value) {
        try {
            ReflectionSupport.makeAccessible(field).set(instance, value);
        } catch (IllegalAccessException e) {
            throw new ExtensionConfigurationException("cannot assign the guest to "
                    + BootKernelExtension.describe(field), e);
        }
    }

    /** A field of a class (instance null) or of one test instance, compared by identity. */
    private record Slot(Field field, Object instance) {

        Slot {
            if (ModifierSupport.isStatic(field) != (instance == null)) {
                throw new IllegalArgumentException(field + " with instance " + instance);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Slot s && s.field.equals(field) && s.instance == instance;
        }

        @Override
        public int hashCode() {
            return field.hashCode() * 31 + System.identityHashCode(instance);
        }
    }

    /** A run that claimed a field, as the record of earlier claims keeps it. */
    private record Holder(RunPath path, String run) {
    }

    /** The claims made in one sharing scope, per field. Guarded by {@link #HELD}. */
    private static final class History {
        private final Map<Slot, List<Holder>> holders = new HashMap<>();

        List<Holder> holders(Slot slot) {
            return holders.computeIfAbsent(slot, s -> new ArrayList<>());
        }
    }

    /** A claim being held; closing it (JUnit does, when the run ends) restores the field. */
    private static final class Claim implements AutoCloseable {
        private final Slot slot;
        private final ExtensionContext root;
        private final RunPath path;
        private final String run;
        private final Object previous;

        Claim(Slot slot, ExtensionContext root, RunPath path, String run, Object previous) {
            this.slot = slot;
            this.root = root;
            this.path = path;
            this.run = run;
            this.previous = previous;
        }

        @Override
        public void close() {
            synchronized (HELD) {
                List<Claim> claims = HELD.get(slot);
                claims.remove(this);
                if (claims.isEmpty()) {
                    HELD.remove(slot);
                }
                set(slot.field, slot.instance, previous);
            }
        }
    }
}
