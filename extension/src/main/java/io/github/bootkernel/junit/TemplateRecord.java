package io.github.bootkernel.junit;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;

/**
 * What a template guest's boot left besides its snapshot, for the failure report of a clone
 * ({@link TemplateBoot#describe}) when the template was loaded from a snapshot file and no source
 * machine exists in this JVM: kept beside the file in the cache ({@link SnapshotCache}) as a small
 * properties text ({@link #text()}), its console in a file of its own.
 *
 * @param bootedFor the declaration whose boot took the snapshot, in words
 * @param key the template's configuration in words ({@link TemplateKey#describe()}) as that boot saw it
 * @param takenAt when the snapshot was taken
 * @param bootTime from the machine's start to its ready line
 * @param snapshotTime how long {@code Machine.snapshot()} took
 * @param phases the boot's phases in words ({@code BootPhases.toString()})
 * @param console the boot's console text up to the snapshot
 * @param droppedLines the console lines dropped before {@code console} (its buffer is bounded)
 */
record TemplateRecord(String bootedFor, String key, Instant takenAt, Duration bootTime, Duration snapshotTime,
                      String phases, String console, long droppedLines) {

    /** The sidecar's own format; a sidecar of another one is not read. */
    static final int FORMAT = 1;

    /** Checks the fields. */
    TemplateRecord {
        Objects.requireNonNull(bootedFor, "bootedFor");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(bootTime, "bootTime");
        Objects.requireNonNull(snapshotTime, "snapshotTime");
        Objects.requireNonNull(phases, "phases");
        Objects.requireNonNull(console, "console");
        if (droppedLines < 0) {
            throw new IllegalArgumentException("droppedLines < 0: " + droppedLines);
        }
    }

    /** @return everything but the console, as {@link Properties} text (ISO-8859-1 safe, escaped) */
    String text() {
        Properties p = new Properties();
        p.setProperty("format", Integer.toString(FORMAT));
        p.setProperty("bootedFor", bootedFor);
        p.setProperty("key", key);
        p.setProperty("takenAt", takenAt.toString());
        p.setProperty("bootTimeNanos", Long.toString(bootTime.toNanos()));
        p.setProperty("snapshotTimeNanos", Long.toString(snapshotTime.toNanos()));
        p.setProperty("phases", phases);
        p.setProperty("consoleDroppedLines", Long.toString(droppedLines));
        StringWriter out = new StringWriter();
        try {
            p.store(out, "bootkernel template record: what TemplateBoot reports of a template loaded from its file");
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        return out.toString();
    }

    /**
     * Reads {@link #text()} back.
     *
     * @param text the sidecar's text
     * @param console the console file's text
     * @throws IllegalArgumentException naming the field that is missing or malformed, or another format
     */
    static TemplateRecord parse(String text, String console) {
        Properties p = new Properties();
        try (Reader in = new StringReader(text)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable properties: " + e.getMessage(), e);
        }
        String format = field(p, "format");
        if (!format.equals(Integer.toString(FORMAT))) {
            throw new IllegalArgumentException("record format " + format + ", not " + FORMAT);
        }
        try {
            return new TemplateRecord(field(p, "bootedFor"), field(p, "key"), Instant.parse(field(p, "takenAt")),
                    Duration.ofNanos(Long.parseLong(field(p, "bootTimeNanos"))),
                    Duration.ofNanos(Long.parseLong(field(p, "snapshotTimeNanos"))), field(p, "phases"), console,
                    Long.parseLong(field(p, "consoleDroppedLines")));
        } catch (DateTimeException | NumberFormatException e) {
            throw new IllegalArgumentException("malformed field: " + e.getMessage(), e);
        }
    }

    private static String field(Properties p, String name) {
        String value = p.getProperty(name);
        if (value == null) {
            throw new IllegalArgumentException("no field '" + name + "'");
        }
        return value;
    }
}
