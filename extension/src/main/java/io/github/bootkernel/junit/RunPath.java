package io.github.bootkernel.junit;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.ResourceLockTarget;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Where a run (a class, a class-template invocation, a test) sits in JUnit's test tree, with what
 * decides whether two runs can overlap in time under parallel execution: each node's execution
 * mode and resource locks, outermost first, the engine left out.
 *
 * <p>{@link #mayOverlap} follows the rules of JUnit's parallel executor (the User Guide's
 * "Parallel Execution" and "Synchronization" sections): the children of a node that run in
 * {@link ExecutionMode#SAME_THREAD} run one after another in the node's thread, each with its
 * whole subtree, while {@link ExecutionMode#CONCURRENT} children are forked; a node holding a
 * lock for writing runs all its descendants in its own thread; two nodes holding the same lock,
 * one of them for writing, never run at the same time; an {@link Isolated} node runs alone. Locks
 * that only a {@link org.junit.jupiter.api.parallel.ResourceLocksProvider} other than
 * {@link StaticFieldLocks} knows are not seen, so the answer errs towards "may overlap".
 *
 * @param nodes from the outermost container below the engine down to the run itself
 */
record RunPath(List<Node> nodes) {

    /**
     * One node of the tree.
     *
     * @param id the unique id
     * @param mode the declared execution mode (JUnit may force it to same-thread under a lock)
     * @param locks lock keys and how they are held, from {@code @ResourceLock} on the node's class
     *     or method (target {@code SELF}) and on its parent (target {@code CHILDREN})
     * @param isolated whether the node is {@code @Isolated}
     */
    record Node(String id, ExecutionMode mode, Map<String, ResourceAccessMode> locks, boolean isolated) {

        /** Whether JUnit runs every descendant of this node in the node's own thread. */
        boolean serializesDescendants() {
            return isolated || locks.containsValue(ResourceAccessMode.READ_WRITE);
        }

        /** Whether JUnit never runs this node and {@code other} at the same time. */
        boolean excludes(Node other) {
            if (isolated || other.isolated) {
                return true;
            }
            for (Map.Entry<String, ResourceAccessMode> lock : locks.entrySet()) {
                ResourceAccessMode theirs = other.locks.get(lock.getKey());
                if (theirs != null && (theirs == ResourceAccessMode.READ_WRITE
                        || lock.getValue() == ResourceAccessMode.READ_WRITE)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The path of the context's run. */
    static RunPath of(ExtensionContext context) {
        Deque<ExtensionContext> chain = new ArrayDeque<>();
        for (ExtensionContext c = context; c.getParent().isPresent(); c = c.getParent().get()) {
            chain.addFirst(c);
        }
        List<Node> nodes = new ArrayList<>();
        Map<String, ResourceAccessMode> inherited = Map.of();
        for (ExtensionContext c : chain) {
            Map<String, ResourceAccessMode> locks = new HashMap<>(inherited);
            boolean isolated = false;
            inherited = Map.of();
            if (c.getElement().isPresent()) {
                AnnotatedElement element = c.getElement().get();
                merge(locks, locks(element, ResourceLockTarget.SELF));
                inherited = locks(element, ResourceLockTarget.CHILDREN);
                isolated = AnnotationSupport.isAnnotated(element, Isolated.class);
            }
            nodes.add(new Node(c.getUniqueId(), c.getExecutionMode(), Map.copyOf(locks), isolated));
        }
        return new RunPath(List.copyOf(nodes));
    }

    /** Whether this run contains {@code other} (a class and its nested class, say), or is it. */
    boolean contains(RunPath other) {
        return commonPrefix(other) == nodes.size();
    }

    /**
     * Whether JUnit's parallel executor may run the two runs of one launcher run at the same
     * time; when in doubt, yes. A run that contains the other may overlap with it (its own tests
     * may run beside the other), unless one of its nodes keeps its descendants in one thread.
     */
    boolean mayOverlap(RunPath other) {
        int common = commonPrefix(other);
        for (int i = 0; i < common; i++) {
            if (nodes.get(i).serializesDescendants()) {
                return false;
            }
        }
        List<Node> mine = nodes.subList(common, nodes.size());
        List<Node> theirs = other.nodes.subList(common, other.nodes.size());
        for (Node a : mine) {
            for (Node b : theirs) {
                if (a.excludes(b)) {
                    return false;
                }
            }
        }
        if (mine.isEmpty() || theirs.isEmpty()) {
            return true;
        }
        return mine.get(0).mode() == ExecutionMode.CONCURRENT || theirs.get(0).mode() == ExecutionMode.CONCURRENT;
    }

    private int commonPrefix(RunPath other) {
        int n = Math.min(nodes.size(), other.nodes.size());
        int i = 0;
        while (i < n && nodes.get(i).id().equals(other.nodes.get(i).id())) {
            i++;
        }
        return i;
    }

    private static Map<String, ResourceAccessMode> locks(AnnotatedElement element, ResourceLockTarget target) {
        Map<String, ResourceAccessMode> locks = new HashMap<>();
        for (ResourceLock lock : AnnotationSupport.findRepeatableAnnotations(element, ResourceLock.class)) {
            if (lock.target() != target) {
                continue;
            }
            if (!lock.value().isEmpty()) {
                merge(locks, Map.of(lock.value(), lock.mode()));
            }
            if (target == ResourceLockTarget.SELF && element instanceof Class<?> testClass
                    && List.of(lock.providers()).contains(StaticFieldLocks.class)) {
                merge(locks, StaticFieldLocks.keys(testClass));
            }
        }
        return locks;
    }

    private static void merge(Map<String, ResourceAccessMode> into, Map<String, ResourceAccessMode> locks) {
        locks.forEach((key, mode) -> into.merge(key, mode,
                (a, b) -> a == ResourceAccessMode.READ_WRITE ? a : b));
    }
}
