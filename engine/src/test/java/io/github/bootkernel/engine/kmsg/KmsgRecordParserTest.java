package io.github.bootkernel.engine.kmsg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Records as kernel/printk/printk.c writes them to /dev/kmsg (Documentation/ABI/testing/dev-kmsg). */
class KmsgRecordParserTest {

    private static KernelRecord parse(String raw) throws MalformedKmsgRecordException {
        return KmsgRecordParser.parse(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void theAbisExamples() throws Exception {
        assertThat(parse("6,339,5140900,-;NET: Registered protocol family 10\n"))
                .isEqualTo(new KernelRecord(339, 6, 0, 5_140_900, false, "NET: Registered protocol family 10", Map.of()));
        // Facility 3 (LOG_DAEMON), level 6: 30.
        assertThat(parse("30,340,5690716,-;udevd[80]: starting version 181\n"))
                .isEqualTo(new KernelRecord(340, 6, 3, 5_690_716, false, "udevd[80]: starting version 181", Map.of()));
    }

    @Test
    void aDictionaryKeepsItsOrder() throws Exception {
        KernelRecord record = parse("7,160,424069,-;pci_root PNP0A03:00: host bridge window [io  0x0000-0x0cf7]"
                + " (ignored)\n SUBSYSTEM=acpi\n DEVICE=+acpi:PNP0A03:00\n");
        assertThat(record.message()).isEqualTo("pci_root PNP0A03:00: host bridge window [io  0x0000-0x0cf7] (ignored)");
        assertThat(record.dictionary()).containsExactly(Map.entry("SUBSYSTEM", "acpi"),
                Map.entry("DEVICE", "+acpi:PNP0A03:00"));
        assertThat(record.dictionary().keySet()).containsExactly("SUBSYSTEM", "DEVICE");
    }

    @Test
    void aDictionaryValueMayHoldEqualsAndEscapes() throws Exception {
        assertThat(parse("6,1,2,-;m\n KEY=a=b\\x5cc\n").dictionary()).containsExactly(Map.entry("KEY", "a=b\\c"));
    }

    @Test
    void theContinuationFlag() throws Exception {
        assertThat(parse("4,12,100,c;fragment\n").continuation()).isTrue();
        assertThat(parse("4,13,100,-;line\n").continuation()).isFalse();
    }

    @Test
    void furtherPrefixFieldsAreIgnored() throws Exception {
        // CONFIG_PRINTK_CALLER adds ",caller=T1"; the ABI asks readers to ignore unknown fields.
        KernelRecord record = parse("6,2,3,-,caller=T1;hello\n");
        assertThat(record.sequence()).isEqualTo(2);
        assertThat(record.message()).isEqualTo("hello");
        assertThat(parse("6,2,3,-,caller=C0,future=1;x\n").message()).isEqualTo("x");
    }

    @Test
    void escapesAreDecoded() throws Exception {
        // msg_add_ext_text escapes bytes below ' ', at or above 127, and the backslash.
        assertThat(parse("6,1,2,-;tab\\x09here back\\x5cslash\n").message()).isEqualTo("tab\there back\\slash");
        assertThat(parse("6,1,2,-;upper \\x4A\\x4a\n").message()).isEqualTo("upper JJ");
    }

    @Test
    void anEscapedNewlineMakesAMultiLineRecord() throws Exception {
        KernelRecord record = parse("4,7,1234567,-;first line\\x0a  second line\n");
        assertThat(record.message()).isEqualTo("first line\n  second line");
        assertThat(record.consoleLines()).containsExactly("[    1.234567] first line", "[    1.234567]   second line");
        assertThat(record.dmesgLines()).containsExactly("<4>[    1.234567] first line", "<4>[    1.234567]   second line");
    }

    @Test
    void escapedBytesAreReadAsUtf8() throws Exception {
        // "é" is c3 a9 in UTF-8: the kernel escapes both bytes.
        assertThat(parse("6,1,2,-;caf\\xc3\\xa9\n").message()).isEqualTo("café");
        // A lone continuation byte is not UTF-8: U+FFFD.
        assertThat(parse("6,1,2,-;bad \\xa9 byte\n").message()).isEqualTo("bad \uFFFD byte");
    }

    @Test
    void unescapedHighBytesAreTakenAsUtf8Too() throws Exception {
        byte[] raw = "6,1,2,-;caf\u00e9\n".getBytes(StandardCharsets.UTF_8);
        assertThat(KmsgRecordParser.parse(raw).message()).isEqualTo("café");
    }

    @Test
    void anEmptyMessage() throws Exception {
        KernelRecord record = parse("6,0,0,-;\n");
        assertThat(record.message()).isEmpty();
        assertThat(record.consoleLines()).containsExactly("[    0.000000] ");
    }

    @Test
    void aRecordCutByTheKernelsBufferIsReadAsFarAsItGoes() throws Exception {
        assertThat(parse("6,1,2,-;no newline").message()).isEqualTo("no newline");
        assertThat(parse("6,1,2,-;cut in an escape \\x0").message()).isEqualTo("cut in an escape ");
        assertThat(parse("6,1,2,-;cut \\").message()).isEqualTo("cut ");
        KernelRecord record = parse("6,1,2,-;m\n SUBSYSTEM=pci\n DEVICE=+pci:00");
        assertThat(record.dictionary()).containsExactly(Map.entry("SUBSYSTEM", "pci"));
    }

    @Test
    void levelAndFacilityComeFromThePriority() throws Exception {
        KernelRecord record = parse("12,5,6,-;written to /dev/kmsg as <4>\n");
        assertThat(record.level()).isEqualTo(4);
        assertThat(record.facility()).isEqualTo(1);
        assertThat(record.dmesgLines()).containsExactly("<12>[    0.000006] written to /dev/kmsg as <4>");
        assertThat(parse("2047,5,6,-;x\n").facility()).isEqualTo(255);
    }

    @Test
    void largeNumbers() throws Exception {
        KernelRecord record = parse("0,9223372036854775807,99999999999,-;x\n");
        assertThat(record.sequence()).isEqualTo(Long.MAX_VALUE);
        assertThat(record.consoleLines()).containsExactly("[99999.999999] x");
        assertThat(record.timestamp().toNanos()).isEqualTo(99_999_999_999_000L);
    }

    @Test
    void malformedPrefixes() {
        assertMalformed("", "it is empty");
        assertMalformed("hello\n", "no ';' ends the prefix");
        assertMalformed("6,1,2;x\n", "the prefix has 3 fields, not priority,sequence,timestamp,flags");
        assertMalformed("a,1,2,-;x\n", "the priority \"a\" is not a decimal number");
        assertMalformed(",1,2,-;x\n", "the priority \"\" is not a decimal number");
        assertMalformed("-6,1,2,-;x\n", "the priority \"-6\" is not a decimal number");
        assertMalformed("2048,1,2,-;x\n", "the priority 2048 is above 2047");
        assertMalformed("6,1x,2,-;x\n", "the sequence number \"1x\" is not a decimal number");
        assertMalformed("6,9223372036854775808,2,-;x\n", "the sequence number 9223372036854775808 is too large");
        assertMalformed("6,1,12345678901234567890,-;x\n", "the timestamp \"12345678901234567890\" is not a decimal number");
        assertMalformed("6,1,2, ;x\n", "the flags \" \" are not '-', 'c' or other letters");
        assertMalformed("6,1,2,;x\n", "the flags \"\" are not '-', 'c' or other letters");
        assertMalformed("6,1,2,\u0001;x\n", "the flags \"\\x01\" are not '-', 'c' or other letters");
        assertMalformed("6," + "1".repeat(300) + ";x\n", "no ';' ends the prefix within 256 bytes");
    }

    @Test
    void malformedEscapesAndDictionaries() {
        assertMalformed("6,1,2,-;bad \\n escape\n", "the message has a '\\' at byte 12 that does not start an escape \\xNN");
        assertMalformed("6,1,2,-;bad \\xg1\n", "the message has a '\\' at byte 12 that does not start an escape \\xNN");
        assertMalformed("6,1,2,-;short \\x1\n", "the message has a '\\' at byte 14 that does not start an escape \\xNN");
        assertMalformed("6,1,2,-;m\nSUBSYSTEM=pci\n",
                "a line after the message does not start with a space (a dictionary entry does)");
        assertMalformed("6,1,2,-;m\n\n", "a line after the message does not start with a space (a dictionary entry does)");
        assertMalformed("6,1,2,-;m\n SUBSYSTEM\n", "a dictionary line has no '='");
        assertMalformed("6,1,2,-;m\n =pci\n", "a dictionary line has an empty key");
        assertMalformed("6,1,2,-;m\n K=bad\\q\n", "a dictionary value has a '\\' at byte 16 that does not start an escape \\xNN");
    }

    @Test
    void theMessageNamesTheReasonAndShowsTheInputEscaped() {
        Throwable thrown = catchThrowable(() -> parse("6,1\u0007;x\n"));
        assertThat(thrown).isInstanceOf(MalformedKmsgRecordException.class)
                .hasMessage("not a /dev/kmsg record: the prefix has 2 fields, not priority,sequence,timestamp,flags:"
                        + " \"6,1\\x07;x\\x0a\"");
        byte[] longOne = ("x".repeat(300)).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> KmsgRecordParser.parse(longOne))
                .hasMessageEndingWith("\"" + "x".repeat(80) + "\" and 220 bytes more");
    }

    @Test
    void aRecordLongerThanTheBoundIsRefused() {
        byte[] raw = new byte[KmsgRecordParser.MAX_RECORD_BYTES + 1];
        assertThatThrownBy(() -> KmsgRecordParser.parse(raw)).isInstanceOf(MalformedKmsgRecordException.class)
                .hasMessageContaining("it is longer than 65535 bytes (65536)");
    }

    @Test
    void randomBytesGiveARecordOrTheCheckedExceptionOnly() {
        Random random = new Random(14);
        String[] seeds = {"6,1,2,-;m\n K=v\n", "4,7,1234567,c;a\\x0ab\n", "6,1,2,-,caller=T1;x\n"};
        for (int i = 0; i < 20_000; i++) {
            byte[] raw = seeds[i % seeds.length].getBytes(StandardCharsets.ISO_8859_1);
            int changes = 1 + random.nextInt(4);
            for (int c = 0; c < changes; c++) {
                raw[random.nextInt(raw.length)] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256)
                        : ",;\\x0\n -c9".charAt(random.nextInt(10)));
            }
            Throwable thrown = catchThrowable(() -> KmsgRecordParser.parse(raw));
            if (thrown != null) {
                assertThat(thrown).isInstanceOf(MalformedKmsgRecordException.class);
            }
        }
    }

    private static void assertMalformed(String raw, String reason) {
        Throwable thrown = catchThrowable(() -> parse(raw));
        assertThat(thrown).as("%s", raw).isInstanceOf(MalformedKmsgRecordException.class);
        assertThat(((MalformedKmsgRecordException) thrown).reason()).isEqualTo(reason);
    }
}
