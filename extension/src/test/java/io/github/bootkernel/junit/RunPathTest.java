package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT;
import static org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD;
import static org.junit.jupiter.api.parallel.ResourceAccessMode.READ;
import static org.junit.jupiter.api.parallel.ResourceAccessMode.READ_WRITE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;

/** When two runs may overlap under JUnit's parallel execution, on paths built by hand. */
class RunPathTest {

    private static final RunPath.Node CLASS_A = node("A", CONCURRENT);
    private static final RunPath.Node CLASS_B = node("B", CONCURRENT);

    @Test
    void siblingsOverlapUnlessBothRunInTheirParentsThread() {
        assertThat(path(CLASS_A).mayOverlap(path(CLASS_B))).isTrue();
        assertThat(path(CLASS_A).mayOverlap(path(node("B", SAME_THREAD)))).isTrue();
        assertThat(path(node("A", SAME_THREAD)).mayOverlap(path(node("B", SAME_THREAD)))).isFalse();
    }

    @Test
    void onlyTheModesOfTheChildrenOfTheCommonAncestorCount() {
        RunPath a = path(node("M", SAME_THREAD), node("M/1", CONCURRENT));
        RunPath b = path(node("N", SAME_THREAD), node("N/1", CONCURRENT));
        assertThat(a.mayOverlap(b)).isFalse();
        assertThat(path(node("M", CONCURRENT), node("M/1", SAME_THREAD))
                .mayOverlap(path(node("M", CONCURRENT), node("M/2", SAME_THREAD)))).isFalse();
        assertThat(path(node("M", SAME_THREAD), node("M/1", CONCURRENT))
                .mayOverlap(path(node("M", SAME_THREAD), node("M/2", SAME_THREAD)))).isTrue();
    }

    @Test
    void aCommonLockHeldForWritingKeepsRunsApart() {
        assertThat(path(locked("A", "k", READ_WRITE)).mayOverlap(path(locked("B", "k", READ_WRITE)))).isFalse();
        assertThat(path(locked("A", "k", READ)).mayOverlap(path(locked("B", "k", READ_WRITE)))).isFalse();
        assertThat(path(locked("A", "k", READ)).mayOverlap(path(locked("B", "k", READ)))).isTrue();
        assertThat(path(locked("A", "k", READ_WRITE)).mayOverlap(path(locked("B", "other", READ_WRITE)))).isTrue();
        assertThat(path(locked("A", "k", READ_WRITE)).mayOverlap(path(CLASS_B))).isTrue();
    }

    @Test
    void aLockHeldForWritingByACommonAncestorKeepsItsDescendantsInOneThread() {
        RunPath.Node outer = locked("O", "k", READ_WRITE);
        assertThat(path(outer, node("O/1", CONCURRENT)).mayOverlap(path(outer, node("O/2", CONCURRENT)))).isFalse();
        assertThat(path(outer).mayOverlap(path(outer, node("O/2", CONCURRENT)))).isFalse();
        RunPath.Node reading = locked("O", "k", READ);
        assertThat(path(reading, node("O/1", CONCURRENT)).mayOverlap(path(reading, node("O/2", CONCURRENT)))).isTrue();
    }

    @Test
    void anIsolatedRunOverlapsWithNothing() {
        RunPath.Node isolated = new RunPath.Node("I", CONCURRENT, Map.of(), true);
        assertThat(path(isolated).mayOverlap(path(CLASS_B))).isFalse();
        assertThat(path(CLASS_A, node("A/1", CONCURRENT)).mayOverlap(path(isolated))).isFalse();
    }

    @Test
    void aRunMayOverlapWithARunItContainsAndContainsIt() {
        RunPath outer = path(CLASS_A);
        RunPath nested = path(CLASS_A, node("A/inner", SAME_THREAD));
        assertThat(outer.contains(nested)).isTrue();
        assertThat(nested.contains(outer)).isFalse();
        assertThat(outer.mayOverlap(nested)).isTrue();
        assertThat(nested.mayOverlap(outer)).isTrue();
        assertThat(path(CLASS_A).contains(path(CLASS_B))).isFalse();
    }

    private static RunPath.Node node(String id, ExecutionMode mode) {
        return new RunPath.Node(id, mode, Map.of(), false);
    }

    private static RunPath.Node locked(String id, String key, ResourceAccessMode mode) {
        return new RunPath.Node(id, CONCURRENT, Map.of(key, mode), false);
    }

    private static RunPath path(RunPath.Node... nodes) {
        return new RunPath(new ArrayList<>(List.of(nodes)));
    }
}
