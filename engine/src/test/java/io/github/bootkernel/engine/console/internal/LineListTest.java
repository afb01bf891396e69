package io.github.bootkernel.engine.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chunked list of history lines: FIFO order, positions, across chunk boundaries. */
class LineListTest {

    @Test
    void behavesAsAQueueWithPositionsAcrossChunks() {
        LineList list = new LineList();
        ArrayDeque<String> model = new ArrayDeque<>();
        Random random = new Random(8);
        int next = 0;
        for (int step = 0; step < 20_000; step++) {
            if (model.isEmpty() || random.nextInt(3) > 0) {
                String line = Integer.toString(next++);
                list.add(line);
                model.addLast(line);
            } else {
                assertThat(list.removeFirst()).isEqualTo(model.removeFirst());
            }
            assertThat(list.size()).isEqualTo(model.size());
        }
        List<String> expected = new ArrayList<>(model);
        for (int i = 0; i < expected.size(); i += 97) {
            assertThat(list.get(i)).isEqualTo(expected.get(i));
        }
        List<String> copied = new ArrayList<>();
        list.copy(LineList.CHUNK - 3, LineList.CHUNK + 5, copied);
        assertThat(copied).isEqualTo(expected.subList(LineList.CHUNK - 3, LineList.CHUNK + 5));
    }

    @Test
    void emptiesAndRefills() {
        LineList list = new LineList();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < LineList.CHUNK + 1; i++) {
                list.add("l" + i);
            }
            for (int i = 0; i < LineList.CHUNK + 1; i++) {
                assertThat(list.removeFirst()).isEqualTo("l" + i);
            }
            assertThat(list.size()).isZero();
        }
        assertThatThrownBy(list::removeFirst).isInstanceOf(IllegalStateException.class);
    }
}
