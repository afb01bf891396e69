package io.github.bootkernel.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerformanceDocTest {

    @Test
    void onlyTheBlockBetweenTheMarkersIsReplaced() {
        String doc = "# Perf\n\nprose before\n\n" + PerformanceDoc.BEGIN + "\nold numbers\n" + PerformanceDoc.END
                + "\n\n## Why\n\nprose after\n";
        String merged = PerformanceDoc.merge(doc, "new numbers\n");
        assertThat(merged).isEqualTo("# Perf\n\nprose before\n\n" + PerformanceDoc.BEGIN + "\nnew numbers\n"
                + PerformanceDoc.END + "\n\n## Why\n\nprose after\n");
        assertThat(PerformanceDoc.merge(merged, "new numbers\n")).isEqualTo(merged);
    }

    @Test
    void aDocumentWithoutMarkersGetsTheBlockAppendedAndNoDocumentTheTemplate() {
        assertThat(PerformanceDoc.merge("# Perf\nhand-written\n", "n"))
                .isEqualTo("# Perf\nhand-written\n\n" + PerformanceDoc.BEGIN + "\nn\n" + PerformanceDoc.END + "\n");
        assertThat(PerformanceDoc.merge(null, "n")).startsWith("# Performance\n")
                .contains("## Why each target is or is not met").endsWith(PerformanceDoc.END + "\n");
    }

    @Test
    void brokenMarkersAreRefusedRatherThanGuessed() {
        assertThatThrownBy(() -> PerformanceDoc.merge(PerformanceDoc.END + "\n" + PerformanceDoc.BEGIN, "n"))
                .hasMessageContaining("markers are broken");
        assertThatThrownBy(() -> PerformanceDoc.merge(PerformanceDoc.BEGIN + "\nx", "n"))
                .hasMessageContaining("markers are broken");
    }

    @Test
    void aFileWithBrokenMarkersIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("snapshots.md");
        Files.writeString(file, "# Snapshots\n" + PerformanceDoc.BEGIN + "\nold\n");
        assertThatThrownBy(() -> PerformanceDoc.write(file, "new")).isInstanceOf(java.io.IOException.class)
                .hasMessageStartingWith(file + ": the results markers are broken");
        assertThat(Files.readString(file)).contains("old");
    }

    /** {@code bench/run --sections snapshot-restore --doc docs/snapshots.md} replaces only the block at its end. */
    @Test
    void theSnapshotsDocumentTakesTheBlockAtItsEndAndKeepsItsProse() throws Exception {
        Path file = Path.of("..", "docs", "snapshots.md");
        String doc = Files.readString(file, StandardCharsets.UTF_8);
        String merged = PerformanceDoc.merge(doc, "## Results of the last run\n\nnew\n");
        String prose = doc.substring(0, doc.indexOf(PerformanceDoc.BEGIN));
        assertThat(prose).contains("## Benchmark: a clone against a fresh boot", "--doc docs/snapshots.md")
                .doesNotContain(PerformanceDoc.END);
        assertThat(merged).isEqualTo(prose + PerformanceDoc.BEGIN + "\n## Results of the last run\n\nnew\n"
                + PerformanceDoc.END + "\n");
    }

    @Test
    void writeKeepsTheProseInTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("performance.md");
        PerformanceDoc.write(file, "first");
        Files.writeString(file, Files.readString(file) + "\nmy prose\n");
        PerformanceDoc.write(file, "second");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("second", "my prose").doesNotContain("first");
    }
}
