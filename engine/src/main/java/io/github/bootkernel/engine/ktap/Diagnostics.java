package io.github.bootkernel.engine.ktap;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines that belong to one test, bounded: the first {@value KtapParser#MAX_DIAGNOSTICS} are
 * kept (a failure's first lines name what failed) and the rest only counted, so a guest that
 * prints without end inside a test cannot fill the heap. Mutable, confined to the parser.
 */
final class Diagnostics {

    private final List<String> lines = new ArrayList<>();
    private long more;

    void add(String line) {
        if (lines.size() < KtapParser.MAX_DIAGNOSTICS) {
            lines.add(line);
        } else {
            more++;
        }
    }

    /** Moves every line of {@code other} here, leaving it empty. */
    void take(Diagnostics other) {
        other.lines.forEach(this::add);
        more += other.more;
        other.lines.clear();
        other.more = 0;
    }

    /** The lines kept, and a last line saying how many more came, if any did. */
    List<String> lines() {
        if (more == 0) {
            return List.copyOf(lines);
        }
        List<String> all = new ArrayList<>(lines);
        all.add("... " + more + " more lines");
        return List.copyOf(all);
    }
}
