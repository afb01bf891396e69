package io.github.bootkernel.bench;

import io.github.bootkernel.bench.io.ConsoleThroughput;
import io.github.bootkernel.bench.io.ExitPath;
import io.github.bootkernel.bench.sections.CommandChannel;
import io.github.bootkernel.bench.sections.FourCpus;
import io.github.bootkernel.bench.sections.Memory;
import io.github.bootkernel.bench.sections.SnapshotRestore;
import io.github.bootkernel.bench.sections.SuiteCost;
import io.github.bootkernel.bench.sections.TimeToEnd;
import io.github.bootkernel.bench.sections.TimeToInit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Every section of the benchmark, in the order they run: this module's own, then those that
 * {@link ServiceLoader} finds ({@code META-INF/services/io.github.bootkernel.bench.Section}).
 */
public final class Sections {

    private Sections() {
    }

    /** @return every section */
    public static List<Section> all() {
        // The I/O sections last: they make the most VM exits, and the build machines' nested VM has
        // frozen during them (QEMU idle, no progress); with the checkpoint after each section, the
        // others are kept then.
        List<Section> all = new ArrayList<>(List.of(new TimeToInit(), new TimeToEnd(), new FourCpus(),
                new CommandChannel(), new Memory(), new SuiteCost(), new SnapshotRestore(), new ConsoleThroughput(),
                new ExitPath()));
        for (Section s : ServiceLoader.load(Section.class)) {
            if (all.stream().noneMatch(a -> a.getClass() == s.getClass())) {
                all.add(s);
            }
        }
        return all;
    }

    /**
     * @param section a section
     * @return its key for {@code --sections}: the name in lower case, other characters than letters
     *     and digits as dashes, e.g. {@code time-to-init}
     */
    public static String key(Section section) {
        return section.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    /**
     * @param keys the keys chosen, or empty for all
     * @return the sections chosen, in their order
     * @throws IllegalArgumentException for an unknown key, naming the known ones
     */
    public static List<Section> select(List<String> keys) {
        List<Section> all = all();
        if (keys.isEmpty()) {
            return all;
        }
        List<String> known = all.stream().map(Sections::key).toList();
        for (String k : keys) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("--sections: no section '" + k + "'; known: " + String.join(", ", known));
            }
        }
        return all.stream().filter(s -> keys.contains(key(s))).toList();
    }
}
