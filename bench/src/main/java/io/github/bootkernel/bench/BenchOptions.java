package io.github.bootkernel.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark's command-line options.
 *
 * @param runs     {@code --runs N}: repetitions per subject, 3 by default
 * @param sections {@code --sections a,b}: section keys ({@link Sections#key}); empty for all
 * @param kernels  {@code --kernels a,b}: kernel ids; {@link BenchContext#DEFAULT_KERNELS} by default
 * @param doc      {@code --doc FILE}: the document to update, {@code docs/performance.md} by default;
 *                 {@code --no-doc} leaves it alone (the results go to standard output only)
 * @param list     {@code --list}: print the sections' keys and exit
 */
public record BenchOptions(int runs, List<String> sections, List<String> kernels, Path doc, boolean list) {

    /** The usage text. */
    public static final String USAGE = """
            usage: bench/run [--runs N] [--sections KEY,...] [--kernels ID,...] [--doc FILE | --no-doc] [--list]
              --runs N          repetitions per subject, alternating subjects within each (default 3)
              --sections K,...  sections to run (default all; --list names them)
              --kernels ID,...  kernel ids in the cache's latest/ (default debian-cloud,debian-generic,tiny);
                                sections that boot one kernel take the first
              --doc FILE        the document whose results block is replaced (default docs/performance.md)
              --no-doc          print the results only
              --list            print the sections' keys and exit
            """;

    /**
     * @param args the arguments
     * @return the options
     * @throws IllegalArgumentException naming a bad or unknown argument
     */
    public static BenchOptions parse(String... args) {
        int runs = 3;
        List<String> sections = List.of();
        List<String> kernels = BenchContext.DEFAULT_KERNELS;
        Path doc = Path.of("docs", "performance.md");
        boolean list = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--runs" -> {
                    String v = value(args, ++i, arg);
                    try {
                        runs = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--runs: not a number: " + v);
                    }
                    if (runs < 1 || runs > 100) {
                        throw new IllegalArgumentException("--runs: between 1 and 100, got " + runs);
                    }
                }
                case "--sections" -> sections = words(value(args, ++i, arg), arg);
                case "--kernels" -> kernels = words(value(args, ++i, arg), arg);
                case "--doc" -> doc = Path.of(value(args, ++i, arg));
                case "--no-doc" -> doc = null;
                case "--list" -> list = true;
                default -> throw new IllegalArgumentException("unknown argument: " + arg);
            }
        }
        return new BenchOptions(runs, sections, kernels, doc, list);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static List<String> words(String value, String option) {
        List<String> words = Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (words.isEmpty()) {
            throw new IllegalArgumentException(option + " needs at least one name");
        }
        return words;
    }
}
