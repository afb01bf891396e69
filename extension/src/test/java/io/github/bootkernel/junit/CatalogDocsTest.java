package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.CatalogItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ids the READMEs and {@link BootKernel}'s Javadoc name are the kernels module's
 * {@link Catalog}, so the docs cannot drift from it. A README lists them between
 * {@code <!-- catalog: KINDS -->} and {@code <!-- /catalog -->}, one item per line
 * ({@code - `id` (also `alias`): description} or a table row {@code | `id` | kind | description | ...});
 * each line must carry the catalog's description, and the lines must be the catalog's items of
 * those kinds, in catalog order.
 */
class CatalogDocsTest {

    private static final Pattern BLOCK = Pattern.compile("<!-- catalog: ([a-z ]+) -->\\n(.*?)<!-- /catalog -->",
            Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("`([a-z0-9][a-z0-9-]*)`");

    @ParameterizedTest
    @ValueSource(strings = {"../README.md", "README.md", "../kernels/README.md"})
    void everyListOfIdsIsTheCatalogs(String readme) throws IOException {
        String text = Files.readString(Path.of(readme), StandardCharsets.UTF_8);
        Matcher block = BLOCK.matcher(text);
        int blocks = 0;
        while (block.find()) {
            blocks++;
            List<CatalogItem> expected = Catalog.items().stream()
                    .filter(item -> block.group(1).contains(item.kind().words())).toList();
            List<String> lines = Arrays.stream(block.group(2).split("\n"))
                    .filter(line -> line.startsWith("- `") || line.startsWith("| `")).toList();
            List<List<String>> named = new ArrayList<>();
            for (String line : lines) {
                named.add(names(line));
            }
            assertThat(named).as("ids listed in %s under catalog: %s", readme, block.group(1))
                    .isEqualTo(expected.stream().map(CatalogItem::names).toList());
            for (int i = 0; i < lines.size(); i++) {
                assertThat(lines.get(i)).as("%s, line of %s", readme, expected.get(i).id())
                        .contains(expected.get(i).description());
                if (lines.get(i).startsWith("|")) {
                    assertThat(lines.get(i)).contains("| " + expected.get(i).kind().words() + " |");
                }
            }
        }
        assertThat(blocks).as("catalog blocks in %s", readme).isPositive();
    }

    @Test
    void bootKernelsJavadocNamesEveryBuiltInId() throws IOException {
        String source = Files.readString(Path.of("src/main/java/io/github/bootkernel/junit/BootKernel.java"),
                StandardCharsets.UTF_8);
        String kernelDoc = javadocBefore(source, "String kernel()");
        String initramfsDoc = javadocBefore(source, "String initramfs()");
        for (CatalogItem item : Catalog.items(CatalogItem.Kind.KERNEL)) {
            assertThat(kernelDoc).as("kernel() Javadoc").contains("{@code " + item.id() + "}");
        }
        for (CatalogItem item : Catalog.items(CatalogItem.Kind.INITRAMFS)) {
            for (String name : item.names()) {
                assertThat(initramfsDoc).as("initramfs() Javadoc").contains("{@code " + name + "}");
            }
        }
    }

    /** The names at the start of a list line: up to its first ": " or a table row's first cell. */
    private static List<String> names(String line) {
        String head = line.startsWith("|") ? line.substring(1, line.indexOf('|', 1)) : line.split(": ", 2)[0];
        List<String> names = new ArrayList<>();
        Matcher name = NAME.matcher(head);
        while (name.find()) {
            names.add(name.group(1));
        }
        return names;
    }

    private static String javadocBefore(String source, String declaration) {
        int at = source.indexOf(declaration);
        assertThat(at).as("%s in BootKernel.java", declaration).isPositive();
        return source.substring(source.lastIndexOf("/**", at), at);
    }
}
