package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every {@code java} block of every README is a tagged region of a compiled file in
 * {@code src/demo/java} (the demo source set, which Failsafe runs): the block's marker line
 * {@code <!-- demo: FILE#TAG -->} names the region, and the block must equal it. So a README
 * sample cannot drift from code that compiles and runs.
 */
class ReadmeSamplesTest {

    private static final Path ROOT = Path.of("..");
    private static final Path DEMO = Path.of("src/demo/java/io/github/bootkernel/demo");
    private static final List<Path> READMES = List.of(ROOT.resolve("README.md"),
            ROOT.resolve("extension/README.md"), ROOT.resolve("kernels/README.md"));
    private static final Pattern MARKER = Pattern.compile("<!-- demo: ([\\w.]+)#([\\w-]+) -->");
    private static final Pattern TAG = Pattern.compile("^\\s*// (tag|end)::([\\w-]+)\\[\\]\\s*$");

    @Test
    void everyJavaBlockOfEveryReadmeIsATaggedDemoRegion() throws IOException {
        int checked = 0;
        for (Path readme : READMES) {
            List<String> lines = Files.readAllLines(readme);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().equals("```java")) {
                    continue;
                }
                String where = readme + " line " + (i + 1);
                Matcher marker = MARKER.matcher(i > 0 ? lines.get(i - 1).strip() : "");
                assertThat(marker.matches()).as(where + ": a java block needs a '<!-- demo: FILE#TAG -->' line above"
                        + " it naming its region in " + DEMO).isTrue();
                List<String> block = new ArrayList<>();
                for (i++; !lines.get(i).strip().equals("```"); i++) {
                    block.add(lines.get(i));
                }
                Map<String, String> regions = regions(DEMO.resolve(marker.group(1)));
                assertThat(regions).as(where + ": regions of " + marker.group(1)).containsKey(marker.group(2));
                assertThat(dedent(block)).as(where + " against " + marker.group(1) + "#" + marker.group(2))
                        .isEqualTo(regions.get(marker.group(2)));
                checked++;
            }
        }
        assertThat(checked).as("java blocks checked in " + READMES).isGreaterThanOrEqualTo(8);
    }

    @Test
    void regionsAreJoinedAndDedented() {
        List<String> file = List.of("class A {", "    // tag::x[]", "    int a;", "    // end::x[]", "    int hidden;",
                "    // tag::x[]", "        int b;", "    // end::x[]", "}");
        assertThat(regions(file)).containsExactly(Map.entry("x", "int a;\n    int b;"));
    }

    private static Map<String, String> regions(Path file) throws IOException {
        return regions(Files.readAllLines(file));
    }

    /** Each tag's lines, regions of the same tag joined in order, marker lines left out, dedented. */
    static Map<String, String> regions(List<String> file) {
        Map<String, List<String>> open = new LinkedHashMap<>();
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (String line : file) {
            Matcher tag = TAG.matcher(line);
            if (tag.matches()) {
                if (tag.group(1).equals("tag")) {
                    open.put(tag.group(2), all.computeIfAbsent(tag.group(2), k -> new ArrayList<>()));
                } else {
                    open.remove(tag.group(2));
                }
                continue;
            }
            open.values().forEach(lines -> lines.add(line));
        }
        assertThat(open).as("tags opened and never ended").isEmpty();
        Map<String, String> regions = new LinkedHashMap<>();
        all.forEach((name, lines) -> regions.put(name, dedent(lines)));
        return regions;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
    }
}
