package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BootParamsTest {

    private static final Path KERNEL = Path.of("/images/bzImage");
    private final BzImage image = new SyntheticBzImage().parse(KERNEL);
    private final List<E820Entry> e820 = KernelLoader.e820(Layout.ram(256L << 20));

    @Test
    void offsetsAreThoseOfStructBootParams() {
        // arch/x86/include/uapi/asm/bootparam.h and Documentation/arch/x86/zero-page.rst
        assertThat(BootParams.SIZE).isEqualTo(4096);
        assertThat(BootParams.EXT_RAMDISK_IMAGE).isEqualTo(0x0c0);
        assertThat(BootParams.EXT_RAMDISK_SIZE).isEqualTo(0x0c4);
        assertThat(BootParams.EXT_CMD_LINE_PTR).isEqualTo(0x0c8);
        assertThat(BootParams.E820_ENTRIES).isEqualTo(0x1e8);
        assertThat(BzImage.HEADER_OFFSET).isEqualTo(0x1f1);
        assertThat(BootParams.VID_MODE).isEqualTo(0x1fa);
        assertThat(BootParams.TYPE_OF_LOADER).isEqualTo(0x210);
        assertThat(BootParams.LOADFLAGS).isEqualTo(0x211);
        assertThat(BootParams.CODE32_START).isEqualTo(0x214);
        assertThat(BootParams.RAMDISK_IMAGE).isEqualTo(0x218);
        assertThat(BootParams.RAMDISK_SIZE).isEqualTo(0x21c);
        assertThat(BootParams.CMD_LINE_PTR).isEqualTo(0x228);
        assertThat(BootParams.E820_TABLE).isEqualTo(0x2d0);
        assertThat(BootParams.E820_MAX).isEqualTo(128);
    }

    @Test
    void onlyTheHeaderAndTheLoaderFieldsAreSetEverythingElseIsZero() {
        byte[] zp = BootParams.build(image, 0x100000, 0x20000, 0x0ff00000, 0x12345, e820, 0);

        ByteBuffer expected = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        expected.put(0x1f1, image.header());
        expected.putShort(0x1fa, (short) 0xffff);
        expected.put(0x210, (byte) 0xff);
        expected.putInt(0x214, 0x100000);
        expected.putInt(0x218, 0x0ff00000);
        expected.putInt(0x21c, 0x12345);
        expected.putInt(0x228, 0x20000);
        expected.put(0x1e8, (byte) 4);
        putE820(expected, 0, 0, 0x9fc00, 1);
        putE820(expected, 1, 0x9fc00, 0x400, 2);
        putE820(expected, 2, 0xe0000, 0x20000, 2);
        putE820(expected, 3, 0x100000, (256L << 20) - 0x100000, 1);

        assertThat(zp).hasSize(4096).isEqualTo(expected.array());
    }

    @Test
    void headerBytesFromTheImageAreCopiedVerbatimAtTheirOwnOffset() {
        byte[] zp = BootParams.build(image, 0x100000, 0x20000, 0, 0, e820, 0);
        ByteBuffer b = ByteBuffer.wrap(zp).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0x202)).as("HdrS").isEqualTo(0x53726448);
        assertThat(b.getShort(0x206)).as("version").isEqualTo((short) 0x020f);
        assertThat(b.get(0x211)).as("loadflags").isEqualTo((byte) 0x01);
        assertThat(b.getInt(0x238)).as("cmdline_size").isEqualTo(2047);
        assertThat(b.getLong(0x258)).as("pref_address").isEqualTo(0x1000000);
        // The image's boot-sector code before 0x1f1 and the setup code after the header stay out.
        for (int i = 0; i < 0x1e8; i++) {
            assertThat(zp[i]).as("byte 0x%x", i).isZero();
        }
        assertThat(b.get(0x26c)).isZero();
    }

    @Test
    void loaderFieldsOverwriteWhatTheImageShipped() {
        // The synthetic image ships type_of_loader 0x42 and ramdisk_image 0x12345678.
        byte[] zp = BootParams.build(image, 0x100000, 0x20000, 0, 0, e820, 0);
        ByteBuffer b = ByteBuffer.wrap(zp).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.get(0x210)).isEqualTo((byte) 0xff);
        assertThat(b.getInt(0x218)).isZero();
        assertThat(b.getInt(0x21c)).isZero();
    }

    @Test
    void code32StartZeroInTheImageBecomesTheDefault() {
        BzImage dflt = new SyntheticBzImage().relocatable(false).code32Start(0).parse(KERNEL);
        ByteBuffer b = ByteBuffer.wrap(BootParams.build(dflt, dflt.loadAddress(), 0x20000, 0, 0, e820, 0))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0x214)).isEqualTo(0x100000);
    }

    @Test
    void code32StartIsWhereTheLoaderPutARelocatableKernel() {
        // boot.rst, relocatable_kernel: "After loading, the boot loader must set the code32_start
        // field to point to the loaded code". The image ships 0x100000; it is loaded at pref_address.
        BzImage relocatable = new SyntheticBzImage().relocatable(true).prefAddress(0x1000000).parse(KERNEL);
        assertThat(relocatable.loadAddress()).isEqualTo(0x1000000);
        ByteBuffer b = ByteBuffer.wrap(BootParams.build(relocatable, relocatable.loadAddress(), 0x20000, 0, 0, e820, 0))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0x214)).isEqualTo(0x1000000);
    }

    @Test
    void addressesAbove4GiBUseTheExtFields() {
        byte[] zp = BootParams.build(image, 0x100000, 0x1_0002_0000L, 0x2_8000_0000L, 0x1_0000_0010L, e820, 0);
        ByteBuffer b = ByteBuffer.wrap(zp).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0x228)).isEqualTo(0x20000);
        assertThat(b.getInt(0x0c8)).isEqualTo(1);
        assertThat(b.getInt(0x218)).isEqualTo(0x80000000);
        assertThat(b.getInt(0x0c0)).isEqualTo(2);
        assertThat(b.getInt(0x21c)).isEqualTo(0x10);
        assertThat(b.getInt(0x0c4)).isEqualTo(1);
    }

    @Test
    void extFieldsAreZeroBelow4GiB() {
        byte[] zp = BootParams.build(image, 0x100000, 0x20000, 0xbff00000L, 0x100000, e820, 0);
        ByteBuffer b = ByteBuffer.wrap(zp).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0x218)).isEqualTo(0xbff00000);
        assertThat(b.getInt(0x0c0)).isZero();
        assertThat(b.getInt(0x0c4)).isZero();
        assertThat(b.getInt(0x0c8)).isZero();
    }

    @Test
    void e820EntriesAreTwentyBytesEach() {
        List<E820Entry> map = KernelLoader.e820(Layout.ram(4L << 30));
        byte[] zp = BootParams.build(image, 0x100000, 0x20000, 0, 0, map, 0);
        ByteBuffer b = ByteBuffer.wrap(zp).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.get(0x1e8)).isEqualTo((byte) 5);
        for (int i = 0; i < map.size(); i++) {
            int o = 0x2d0 + 20 * i;
            assertThat(b.getLong(o)).isEqualTo(map.get(i).address());
            assertThat(b.getLong(o + 8)).isEqualTo(map.get(i).size());
            assertThat(b.getInt(o + 16)).isEqualTo(map.get(i).type());
        }
        assertThat(b.getLong(0x2d0 + 20 * 4)).isEqualTo(4L << 30);
        assertThat(b.getLong(0x2d0 + 20 * 5)).as("nothing after the last entry").isZero();
    }

    @Test
    void fullE820TableFitsAndOneMoreIsRefused() {
        List<E820Entry> full = new ArrayList<>(Collections.nCopies(128, new E820Entry(-1L, -1L, -1)));
        byte[] zp = BootParams.build(image, 0x100000, 0x20000, 0, 0, full, 0);
        assertThat(Byte.toUnsignedInt(zp[0x1e8])).isEqualTo(128);
        assertThat(zp[0x2d0 + 20 * 128 - 1]).isEqualTo((byte) 0xff);
        assertThat(zp[0x2d0 + 20 * 128]).isZero();

        full.add(new E820Entry(0, 0, 1));
        assertThatThrownBy(() -> BootParams.build(image, 0x100000, 0x20000, 0, 0, full, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("129");
    }

    private static void putE820(ByteBuffer b, int index, long address, long size, int type) {
        int o = 0x2d0 + 20 * index;
        b.putLong(o, address);
        b.putLong(o + 8, size);
        b.putInt(o + 16, type);
    }
}
