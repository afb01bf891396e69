/*
 * probe.S - "probe", a tiny guest shaped like a Linux bzImage, used as a test double for the
 * bootkernel monitor.
 *
 * *** THIS IS NOT LINUX. ***  It boots in milliseconds because it does almost nothing: it reads
 * struct boot_params, prints what it found on the 16550 at 0x3f8 and performs one action chosen
 * on the kernel command line.  A test that boots the probe proves that the monitor loads a
 * bzImage and honours the 32-bit boot protocol; no test may claim "boots Linux" because of it.
 *
 * It is built with GNU as / ld (see probe.ld and ProbeKernel.java):
 *     as --32 -o probe.o probe.S
 *     ld -m elf_i386 -T probe.ld -o probe.elf probe.o
 *     objcopy -O binary probe.elf probe.bzImage
 * No C preprocessor is involved: only gas syntax is used below (the .S name is conventional).
 *
 * Layout of probe.bzImage, per Documentation/arch/x86/boot.rst:
 *   file 0x0000-0x11ff  the "real-mode setup" area, (setup_sects + 1) * 512 = 9 * 512 bytes:
 *       0x0000-0x0fff   template of struct boot_params (the "zero page"), all zero except the
 *                       setup header at 0x1f1 and a one-instruction stub at 0x26c, which lies
 *                       in boot_params' padding (0x26c-0x28f)
 *       0x1000-0x11ff   16-bit real-mode entry code (for loaders such as QEMU -kernel), its GDT
 *                       and the kernel_version string
 *   file 0x1200-end     the 32-bit protected-mode payload, linked to run at 0x100000
 *                       (code32_start = pref_address = 0x100000), padded to 16 bytes so that
 *                       syssize * 16 is exactly its length
 *   memory after it     .bss32 (stack and variables), not in the file; init_size covers it,
 *                       so a loader must keep boot_params, the command line and the initrd out
 *                       of [0x100000, 0x100000 + init_size), as boot.rst asks of any kernel
 *
 * Entry points:
 *   32-bit (the one that matters): code32_start = 0x100000, entered as boot.rst's "32-bit boot
 *       protocol" says: protected mode, paging off, interrupts off, CS = 0x10 and DS = ES = SS =
 *       0x18 flat 4 GiB segments, ESI = physical address of struct boot_params.  EBP/EDI/EBX
 *       are not used.  Segment registers are NOT reloaded, so no GDT in guest memory is needed.
 *   16-bit (a convenience for QEMU -kernel under TCG): setup + 0x200 with CS = seg + 0x20,
 *       DS = ES = SS = seg, as boot.rst's "Running the kernel" says; it uses the loader's
 *       stack for the BIOS calls.  It fills the e820 table
 *       of the setup area from BIOS INT 15h AX=E820h, enables A20, loads its own GDT, switches
 *       to protected mode and jumps to the 32-bit path with ESI = linear address of the setup
 *       area (which, by the boot protocol's design, is laid out as struct boot_params).
 *
 * Only simple instructions are used on the 32-bit path - port I/O with polling, no interrupts,
 * no exceptions (except on purpose in probe.triple), no paging, no SSE, no long mode - so that
 * the probe runs even under instruction-emulating KVM implementations (PVM).
 *
 * ---------------------------------------------------------------------------------------------
 * Console output (every line ends with "\r\n"; hex digits are lower case):
 *   probe: cmdline=<command line, verbatim, at most 2047 bytes>   (empty when cmd_line_ptr
 *                  is 0 or ext_cmd_line_ptr is not: above 4 GiB it is out of reach)
 *   probe: e820 0x<addr, 16 hex digits> 0x<size, 16 hex digits> <type, decimal>   (per entry)
 *   probe: initrd none                                    (when ramdisk size is 0)
 *   probe: initrd addr=0x<16 hex> size=0x<16 hex> sum=0x<8 hex>
 *   probe: initrd addr=0x<16 hex> size=0x<16 hex> sum=unreadable   (initrd not below 4 GiB)
 *   probe: ready
 * then, depending on the first action word:
 *   probe: flood <i>                                      (i = 1, 2, ... N, decimal)
 *   probe: done                                           (no action word)
 *
 * The initrd checksum ("sum") is the 32-bit wrap-around sum of the initrd read as little-endian
 * unsigned 32-bit words, the last partial word (size % 4 bytes) padded with zero bytes:
 *     sum = (w[0] + w[1] + ... + w[n-1]) mod 2^32,  w[i] = b[4i] | b[4i+1] << 8 | b[4i+2] << 16
 *                                                         | b[4i+3] << 24, b[j] = 0 for j >= size
 * (not a byte sum: summing words takes a quarter of the instructions, which matters on PVM).
 * addr is ext_ramdisk_image:ramdisk_image, size is ext_ramdisk_size:ramdisk_size.
 *
 * Command line: words are separated by bytes 0x01-0x20 (space, tab, newline...) and the line
 * ends at a NUL byte or after cmdline_size (2047) bytes.  The FIRST word that is one of the
 * action words below selects the action; every other word is ignored, and so is an action word
 * with a malformed number (empty, a non-digit, or out of range).
 *   probe.echo       echo serial input: '\r' or '\n' echo as "\r\n", byte 0x04 (Ctrl-D) exits 0,
 *                    any other byte is echoed as is.  It first sets the UART's received-data
 *                    interrupt enable (IER bit 0, as a driver that listens does; interrupts stay
 *                    off), then polls LSR: a monitor may hold input until a guest enables it.
 *   probe.flood=N    print N lines "probe: flood <i>" (N decimal, 0..4294967295; 0 = forever,
 *                    i then wraps after 4294967295), then exit 0
 *   probe.spin       spin forever in a "jmp ." loop with interrupts off
 *   probe.hlt        "cli; hlt" forever
 *   probe.triple     load an empty IDT (limit 0) and execute ud2: #UD cannot be delivered, nor
 *                    can the resulting #GP and #DF, so the CPU shuts down (KVM_EXIT_SHUTDOWN)
 *   probe.reset      write 0xfe to port 0x64 (i8042 "pulse reset line")
 *   probe.exit=N     write N (decimal, 0..255) to port 0xf4
 *   (none)           print "probe: done" and exit 0
 * "exit N" means a one-byte write of N to port 0xf4, the monitor's exit-status port (QEMU's
 * isa-debug-exit device at iobase=0xf4 also listens there).  If the write does not end the VM,
 * the probe halts forever ("cli; hlt" loop); so does it after probe.reset and probe.triple.
 */

/* ---- constants ----------------------------------------------------------------------------- */

	.set SETUP_SECTS,	8			/* setup area = (8 + 1) * 512 bytes */
	.set SETUP_SIZE,	(SETUP_SECTS + 1) * 512
	.set LOAD_ADDR,		0x100000		/* code32_start and pref_address */
	.set CMDLINE_SIZE,	2047			/* longest command line we read */

	.set BOOT_CS,		0x10			/* boot.rst __BOOT_CS */
	.set BOOT_DS,		0x18			/* boot.rst __BOOT_DS */

	.set LOADED_HIGH,	0x01			/* loadflags bit 0 */

	/* struct boot_params offsets (arch/x86/include/uapi/asm/bootparam.h) */
	.set BP_EXT_RAMDISK_IMAGE, 0x0c0
	.set BP_EXT_RAMDISK_SIZE,  0x0c4
	.set BP_EXT_CMD_LINE_PTR,  0x0c8
	.set BP_E820_ENTRIES,	   0x1e8		/* u8 */
	.set BP_RAMDISK_IMAGE,	   0x218		/* hdr.ramdisk_image */
	.set BP_RAMDISK_SIZE,	   0x21c		/* hdr.ramdisk_size */
	.set BP_CMD_LINE_PTR,	   0x228		/* hdr.cmd_line_ptr */
	.set BP_E820_TABLE,	   0x2d0		/* struct boot_e820_entry[128] */
	.set E820_MAX,		   128			/* E820_MAX_ENTRIES_ZEROPAGE */
	.set E820_ENTRY_SIZE,	   20			/* u64 addr, u64 size, u32 type */

	.set COM1,		0x3f8			/* 16550 THR (write) / RBR (read) */
	.set COM1_IER,		0x3f9			/* interrupt enable register */
	.set IER_ERBFI,		0x01			/* received data available interrupt */
	.set COM1_LSR,		0x3fd			/* line status register */
	.set LSR_DR,		0x01			/* data ready */
	.set LSR_THRE,		0x20			/* transmit holding register empty */
	.set THRE_POLLS,	0xffff			/* like Linux's early serial console */

	.set EXIT_PORT,		0xf4			/* monitor exit status / isa-debug-exit */
	.set I8042_CMD,		0x64
	.set I8042_RESET,	0xfe

	.set SMAP,		0x534d4150		/* "SMAP", INT 15h E820h signature */

/* ============================================================================================= */
/* The setup area: file offset 0, loaded by a 16-bit loader at seg:0, read by a 32-bit loader.   */
/* ============================================================================================= */

	.section .setup, "awx"
	.code16
setup_start:

	/*
	 * 0x000-0x1f0: the boot sector in a real kernel.  Here it stays zero: when the 16-bit
	 * entry uses the setup area as struct boot_params, these bytes are screen_info,
	 * ext_ramdisk_image (0x0c0), ext_cmd_line_ptr (0x0c8), e820_entries (0x1e8) ... which
	 * must read as zero unless a loader wrote them.
	 */
	.org 0x1f1

	/* ---- the setup header, boot.rst "The Real-Mode Kernel Header" ---- */
hdr:
setup_sects:		.byte SETUP_SECTS		/* 0x1f1 setup_sects: 512-byte sectors after the first */
root_flags:		.word 0				/* 0x1f2 root_flags: deprecated */
syssize:		.long probe_syssize		/* 0x1f4 syssize: payload size in 16-byte units (probe.ld) */
ram_size:		.word 0				/* 0x1f8 ram_size: obsolete */
vid_mode:		.word 0xffff			/* 0x1fa vid_mode: NORMAL_VGA */
root_dev:		.word 0				/* 0x1fc root_dev: none */
boot_flag:		.word 0xaa55			/* 0x1fe boot_flag: 0xAA55 magic */
jump:			.byte 0xeb, rm_stub - 1f	/* 0x200 jump: "jmp short rm_stub", the 16-bit entry */
1:
header:			.ascii "HdrS"			/* 0x202 header: magic "HdrS" */
version:		.word 0x020f			/* 0x206 version: boot protocol 2.15 */
realmode_swtch:		.long 0				/* 0x208 realmode_swtch: no hook */
start_sys_seg:		.word 0x1000			/* 0x20c start_sys_seg: obsolete, conventional value */
kernel_version:		.word version_string - 0x200	/* 0x20e kernel_version: string pointer - 0x200 */
type_of_loader:		.byte 0				/* 0x210 type_of_loader: written by the loader */
loadflags:		.byte LOADED_HIGH		/* 0x211 loadflags: LOADED_HIGH, payload at 0x100000 */
setup_move_size:	.word 0x8000			/* 0x212 setup_move_size: conventional value */
code32_start:		.long LOAD_ADDR			/* 0x214 code32_start: 32-bit entry, 0x100000 */
ramdisk_image:		.long 0				/* 0x218 ramdisk_image: written by the loader */
ramdisk_size:		.long 0				/* 0x21c ramdisk_size: written by the loader */
bootsect_kludge:	.long 0				/* 0x220 bootsect_kludge: obsolete */
heap_end_ptr:		.word 0				/* 0x224 heap_end_ptr: written by the loader */
ext_loader_ver:		.byte 0				/* 0x226 ext_loader_ver: written by the loader */
ext_loader_type:	.byte 0				/* 0x227 ext_loader_type: written by the loader */
cmd_line_ptr:		.long 0				/* 0x228 cmd_line_ptr: written by the loader */
initrd_addr_max:	.long 0x37ffffff		/* 0x22c initrd_addr_max: highest initrd byte */
kernel_alignment:	.long 0x100000			/* 0x230 kernel_alignment: 1 MiB */
relocatable_kernel:	.byte 0				/* 0x234 relocatable_kernel: no, load at 0x100000 */
min_alignment:		.byte 20			/* 0x235 min_alignment: log2(1 MiB) */
xloadflags:		.word 0				/* 0x236 xloadflags: no 64-bit or EFI entry points */
cmdline_size:		.long CMDLINE_SIZE		/* 0x238 cmdline_size: max length without the NUL */
hardware_subarch:	.long 0				/* 0x23c hardware_subarch: 0 = default PC */
hardware_subarch_data:	.quad 0				/* 0x240 hardware_subarch_data */
payload_offset:		.long 0				/* 0x248 payload_offset: no compressed payload */
payload_length:		.long 0				/* 0x24c payload_length: no compressed payload */
setup_data:		.quad 0				/* 0x250 setup_data: written by the loader, ignored */
pref_address:		.quad LOAD_ADDR			/* 0x258 pref_address: 0x100000 */
init_size:		.long probe_init_size		/* 0x260 init_size: payload + .bss32 (probe.ld) */
handover_offset:	.long 0				/* 0x264 handover_offset: no EFI handover entry */
kernel_info_offset:	.long kernel_info - LOAD_ADDR	/* 0x268 kernel_info_offset: from payload start */
hdr_end:							/* 0x26c end of struct setup_header */

	/* Check the offsets above at assembly time: a slip here corrupts every field after it. */
	.if (header - hdr) != (0x202 - 0x1f1)
	.error "setup header: 'HdrS' is not at 0x202"
	.endif
	.if (code32_start - hdr) != (0x214 - 0x1f1)
	.error "setup header: code32_start is not at 0x214"
	.endif
	.if (cmdline_size - hdr) != (0x238 - 0x1f1)
	.error "setup header: cmdline_size is not at 0x238"
	.endif
	.if (hdr_end - hdr) != (0x26c - 0x1f1)
	.error "setup header: does not end at 0x26c"
	.endif

	/*
	 * 0x26c: target of the short jump at 0x200 (a short jump reaches at most 0x281).  These
	 * bytes are boot_params' padding before edd_mbr_sig_buffer (0x290) and the e820 table
	 * (0x2d0), so they never collide with data a loader writes.  CS here is seg + 0x20.
	 */
rm_stub:
	jmp	rm_entry

	/* ---- 16-bit real-mode entry (QEMU -kernel, boot loaders with a BIOS) ---- */
	.org 0x1000
rm_entry:
	cli
	cld
	/* Make CS = DS = ES = seg (CS is seg + 0x20) so that link offsets are segment offsets. */
	movw	%cs, %ax
	subw	$0x20, %ax
	movw	%ax, %ds
	movw	%ax, %es
	pushw	%ax
	pushw	$rm_normalized
	lretw
rm_normalized:
	/* Fill boot_params.e820_table from INT 15h AX=E820h; the loader's stack is used. */
	movb	$0, BP_E820_ENTRIES
	movw	$BP_E820_TABLE, %di
	xorl	%ebx, %ebx
rm_e820_next:
	movl	$0xe820, %eax
	movl	$E820_ENTRY_SIZE, %ecx
	movl	$SMAP, %edx
	int	$0x15
	jc	rm_e820_done			/* unsupported, or past the last entry */
	cmpl	$SMAP, %eax
	jne	rm_e820_done
	incb	BP_E820_ENTRIES
	addw	$E820_ENTRY_SIZE, %di
	cmpb	$E820_MAX, BP_E820_ENTRIES
	jae	rm_e820_done
	testl	%ebx, %ebx			/* EBX = 0: that was the last entry */
	jnz	rm_e820_next
rm_e820_done:
	/* Fast A20 gate (port 0x92 bit 1; bit 0 would reset the machine). */
	inb	$0x92, %al
	orb	$0x02, %al
	andb	$0xfe, %al
	outb	%al, $0x92

	/* ESI = linear address of the setup area = struct boot_params for the 32-bit code. */
	xorl	%eax, %eax
	movw	%ds, %ax
	shll	$4, %eax
	movl	%eax, %esi
	/* The GDT descriptor needs a linear base: patch it, then load GDT and an empty IDT. */
	addl	$rm_gdt, %eax
	movl	%eax, rm_gdt_desc + 2
	lgdtl	rm_gdt_desc
	lidtl	rm_idt_desc
	xorl	%ebx, %ebx
	xorl	%ebp, %ebp
	xorl	%edi, %edi
	/* Protected mode on; the far jump right after it loads CS = __BOOT_CS. */
	movl	%cr0, %eax
	orb	$0x01, %al
	movl	%eax, %cr0
	ljmpl	$BOOT_CS, $rm_pm_entry		/* in the 32-bit payload */

	.balign 8
rm_gdt:
	.quad 0					/* 0x00 null descriptor */
	.quad 0					/* 0x08 unused */
	.quad 0x00cf9a000000ffff		/* 0x10 __BOOT_CS: base 0, limit 4 GiB, code, 32-bit */
	.quad 0x00cf92000000ffff		/* 0x18 __BOOT_DS: base 0, limit 4 GiB, data, 32-bit */
rm_gdt_end:
rm_gdt_desc:
	.word rm_gdt_end - rm_gdt - 1		/* limit */
	.long 0					/* linear base, patched above */
rm_idt_desc:
	.word 0					/* limit 0: no vectors */
	.long 0

version_string:					/* hdr.kernel_version points here */
	.asciz "probe 1 (bootkernel test double, NOT Linux)"

	.org SETUP_SIZE				/* pad to (setup_sects + 1) * 512 bytes */

/* ============================================================================================= */
/* The 32-bit protected-mode payload: file offset SETUP_SIZE, runs at 0x100000.                  */
/* ============================================================================================= */

	.section .text32, "awx"
	.code32

	/*
	 * code32_start (0x100000), must stay first in .text32.  boot.rst's 32-bit boot protocol
	 * state: CS = 0x10, DS = ES = SS = 0x18 (flat), ESI = &boot_params, paging and
	 * interrupts off.  Nothing else is assumed: no stack (we set our own), no GDT in memory.
	 */
	.globl startup_32
startup_32:
	cli
	cld
	movl	%esi, boot_params
	movl	$stack_top, %esp
	jmp	main

	/* From the 16-bit entry: CS = 0x10 already, flat data segments still to load. */
rm_pm_entry:
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%eax, %ss
	jmp	startup_32

	/* kernel_info (boot protocol 2.15), reached through hdr.kernel_info_offset. */
	.balign 4
kernel_info:
	.ascii	"LToP"				/* header */
	.long	kernel_info_var_len_data - kernel_info	/* size */
	.long	kernel_info_end - kernel_info		/* size_total */
	.long	0				/* setup_type_max: the probe reads no setup_data */
kernel_info_var_len_data:
kernel_info_end:

/* ---- main: report, then act ------------------------------------------------------------------ */

main:
	movl	boot_params, %ebx		/* EBX = &boot_params throughout main */

	/* "probe: cmdline=<command line>" */
	movl	$s_cmdline, %esi
	call	puts
	call	cmdline_ptr
	testl	%esi, %esi
	jz	1f
	movl	$CMDLINE_SIZE, %ecx
	call	putsn
1:	call	crlf

	/* "probe: e820 0x<addr> 0x<size> <type>" per entry */
	movzbl	BP_E820_ENTRIES(%ebx), %ecx
	cmpl	$E820_MAX, %ecx
	jbe	1f
	movl	$E820_MAX, %ecx
1:	leal	BP_E820_TABLE(%ebx), %edi
	testl	%ecx, %ecx
	jz	e820_done
e820_next:
	movl	$s_e820, %esi
	call	puts
	movl	0(%edi), %eax			/* addr */
	movl	4(%edi), %edx
	call	put_hex64
	movl	$s_space_0x, %esi
	call	puts
	movl	8(%edi), %eax			/* size */
	movl	12(%edi), %edx
	call	put_hex64
	movb	$' ', %al
	call	putc
	movl	16(%edi), %eax			/* type */
	call	put_dec32
	call	crlf
	addl	$E820_ENTRY_SIZE, %edi
	decl	%ecx
	jnz	e820_next
e820_done:

	/* "probe: initrd none" or "probe: initrd addr=0x.. size=0x.. sum=0x.." */
	movl	BP_RAMDISK_SIZE(%ebx), %eax
	orl	BP_EXT_RAMDISK_SIZE(%ebx), %eax
	jnz	1f
	movl	$s_initrd_none, %esi
	call	puts
	jmp	initrd_done
1:	movl	$s_initrd_addr, %esi
	call	puts
	movl	BP_RAMDISK_IMAGE(%ebx), %eax
	movl	BP_EXT_RAMDISK_IMAGE(%ebx), %edx
	call	put_hex64
	movl	$s_initrd_size, %esi
	call	puts
	movl	BP_RAMDISK_SIZE(%ebx), %eax
	movl	BP_EXT_RAMDISK_SIZE(%ebx), %edx
	call	put_hex64
	movl	$s_initrd_sum, %esi
	call	puts
	/* Readable only if it lies wholly below 4 GiB: no high halves, end <= 2^32. */
	cmpl	$0, BP_EXT_RAMDISK_IMAGE(%ebx)
	jne	2f
	cmpl	$0, BP_EXT_RAMDISK_SIZE(%ebx)
	jne	2f
	movl	BP_RAMDISK_IMAGE(%ebx), %esi
	movl	BP_RAMDISK_SIZE(%ebx), %ecx
	movl	%esi, %eax
	addl	%ecx, %eax
	jnc	3f				/* end < 2^32 */
	testl	%eax, %eax
	jnz	2f				/* end > 2^32 */
3:	call	initrd_sum
	pushl	%eax
	movl	$s_0x, %esi
	call	puts
	popl	%eax
	call	put_hex32
	call	crlf
	jmp	initrd_done
2:	movl	$s_unreadable, %esi
	call	puts
initrd_done:

	movl	$s_ready, %esi
	call	puts

/* ---- find the first action word on the command line -------------------------------------- */

	call	cmdline_ptr
	testl	%esi, %esi
	jz	act_default
	movl	$CMDLINE_SIZE, %ecx		/* bytes left: ESI/ECX walk the command line */
skip_separators:
	testl	%ecx, %ecx
	jz	act_default
	movb	(%esi), %al
	testb	%al, %al
	jz	act_default
	cmpb	$' ', %al
	ja	word_found
	incl	%esi
	decl	%ecx
	jmp	skip_separators
word_found:
	/* EDX = length of the word at ESI (stops at a separator, NUL or the size limit). */
	xorl	%edx, %edx
1:	cmpl	%edx, %ecx
	je	2f
	movb	(%esi,%edx), %al
	cmpb	$' ', %al
	jbe	2f
	incl	%edx
	jmp	1b
2:	movl	$w_echo, %edi
	call	word_is
	je	act_echo
	movl	$w_spin, %edi
	call	word_is
	je	act_spin
	movl	$w_hlt, %edi
	call	word_is
	je	act_hlt
	movl	$w_triple, %edi
	call	word_is
	je	act_triple
	movl	$w_reset, %edi
	call	word_is
	je	act_reset
	movl	$w_flood, %edi
	call	word_number
	jnc	act_flood
	movl	$w_exit, %edi
	call	word_number
	jc	3f
	cmpl	$255, %eax
	jbe	act_exit
3:	addl	%edx, %esi			/* not an action word: skip it */
	subl	%edx, %ecx
	jmp	skip_separators

/* ---- actions --------------------------------------------------------------------------------- */

act_default:
	movl	$s_done, %esi
	call	puts
	xorl	%eax, %eax
	jmp	exit_with

act_exit:					/* EAX = status */
	jmp	exit_with

act_flood:					/* EAX = N, 0 = forever */
	movl	%eax, %ecx
	movl	$1, %edi			/* i */
1:	movl	$s_flood, %esi
	call	puts
	movl	%edi, %eax
	call	put_dec32
	call	crlf
	testl	%ecx, %ecx
	jz	2f				/* forever */
	cmpl	%ecx, %edi
	je	3f
2:	incl	%edi
	jmp	1b
3:	xorl	%eax, %eax
	jmp	exit_with

act_echo:
	movw	$COM1_IER, %dx			/* listen: input may be held until ERBFI is set */
	movb	$IER_ERBFI, %al
	outb	%al, %dx
echo_next:
	movw	$COM1_LSR, %dx
	inb	%dx, %al
	testb	$LSR_DR, %al
	jz	echo_next
	movw	$COM1, %dx
	inb	%dx, %al
	cmpb	$0x04, %al			/* Ctrl-D */
	je	1f
	cmpb	$'\r', %al
	je	2f
	cmpb	$'\n', %al
	je	2f
	call	putc
	jmp	echo_next
2:	call	crlf
	jmp	echo_next
1:	xorl	%eax, %eax
	jmp	exit_with

act_spin:
	cli
1:	jmp	1b

act_hlt:
	jmp	halt_forever

act_triple:
	lidtl	null_idt_desc
	ud2					/* #UD -> #GP -> #DF -> shutdown */
	jmp	halt_forever

act_reset:
	movb	$I8042_RESET, %al
	outb	%al, $I8042_CMD
	jmp	halt_forever

/* exit_with: write AL to the exit-status port, then halt if the VM goes on. */
exit_with:
	outb	%al, $EXIT_PORT
halt_forever:
	cli
	hlt
	jmp	halt_forever

/* ---- helpers: all preserve every register they do not return ------------------------------ */

/* cmdline_ptr: ESI = the command line (EBX = &boot_params), 0 if none or above 4 GiB. */
cmdline_ptr:
	xorl	%esi, %esi
	cmpl	$0, BP_EXT_CMD_LINE_PTR(%ebx)
	jne	1f
	movl	BP_CMD_LINE_PTR(%ebx), %esi
1:	ret

/*
 * word_is: ZF = 1 if the word ESI/EDX (pointer/length) equals the NUL-terminated string at EDI.
 */
word_is:
	pushal
	movl	%edx, %ecx
1:	movb	(%edi), %al
	testb	%al, %al
	jz	2f				/* end of the literal: equal if the word ended too */
	testl	%ecx, %ecx
	jz	3f				/* word shorter */
	cmpb	(%esi), %al
	jne	4f
	incl	%esi
	incl	%edi
	decl	%ecx
	jmp	1b
2:	testl	%ecx, %ecx			/* ZF = (nothing of the word left) */
	jmp	4f
3:	orl	$1, %ecx			/* ZF = 0 */
4:	popal					/* popal does not touch the flags */
	ret

/*
 * word_number: if the word ESI/EDX is the NUL-terminated prefix at EDI followed by 1 to 10
 * decimal digits whose value fits in 32 bits, return CF = 0 and EAX = the value; else CF = 1.
 */
word_number:
	pushl	%ebx
	pushl	%ecx
	pushl	%edx
	pushl	%esi
	pushl	%edi
	movl	%edx, %ecx
1:	movb	(%edi), %al			/* match the prefix */
	testb	%al, %al
	jz	2f
	testl	%ecx, %ecx
	jz	9f
	cmpb	(%esi), %al
	jne	9f
	incl	%esi
	incl	%edi
	decl	%ecx
	jmp	1b
2:	testl	%ecx, %ecx			/* at least one digit */
	jz	9f
	xorl	%eax, %eax
	movl	$10, %ebx
3:	movzbl	(%esi), %edi
	subl	$'0', %edi
	cmpl	$9, %edi
	ja	9f				/* not a digit */
	mull	%ebx				/* EDX:EAX = EAX * 10 */
	jc	9f				/* overflow */
	addl	%edi, %eax
	jc	9f				/* overflow */
	incl	%esi
	decl	%ecx
	jnz	3b
	clc
	jmp	10f
9:	stc
10:	popl	%edi
	popl	%esi
	popl	%edx
	popl	%ecx
	popl	%ebx
	ret

/*
 * initrd_sum: EAX = the initrd checksum of the ECX bytes at ESI: the 32-bit wrap-around sum of
 * the data read as little-endian 32-bit words, the last partial word padded with zero bytes.
 * Words rather than bytes because instruction-emulating KVMs (PVM) take about a microsecond per
 * instruction: an unrolled "addl (mem)" costs ~0.3 instructions per byte, a byte loop 5.
 */
initrd_sum:
	pushl	%ecx
	pushl	%edx
	pushl	%esi
	xorl	%eax, %eax
	movl	%ecx, %edx			/* EDX = size */
	shrl	$5, %ecx			/* 32-byte blocks */
	jz	2f
1:	addl	0(%esi), %eax
	addl	4(%esi), %eax
	addl	8(%esi), %eax
	addl	12(%esi), %eax
	addl	16(%esi), %eax
	addl	20(%esi), %eax
	addl	24(%esi), %eax
	addl	28(%esi), %eax
	addl	$32, %esi
	decl	%ecx
	jnz	1b
2:	movl	%edx, %ecx			/* whole words left */
	andl	$31, %ecx
	shrl	$2, %ecx
	jz	4f
3:	addl	(%esi), %eax
	addl	$4, %esi
	decl	%ecx
	jnz	3b
4:	andl	$3, %edx			/* 0-3 bytes left: a zero-padded word */
	jz	6f
	pushl	%ebx
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx			/* CL = shift: 0, 8, 16 */
5:	movzbl	(%esi), %ebx
	shll	%cl, %ebx
	addl	%ebx, %eax
	incl	%esi
	addb	$8, %cl
	decl	%edx
	jnz	5b
	popl	%ebx
6:	popl	%esi
	popl	%edx
	popl	%ecx
	ret

/* putc: write AL to COM1, after waiting (boundedly, as Linux does) for THRE. */
putc:
	pushl	%eax
	pushl	%ecx
	pushl	%edx
	movb	%al, %ah
	movl	$THRE_POLLS, %ecx
	movw	$COM1_LSR, %dx
1:	inb	%dx, %al
	testb	$LSR_THRE, %al
	jnz	2f
	decl	%ecx
	jnz	1b
2:	movw	$COM1, %dx
	movb	%ah, %al
	outb	%al, %dx
	popl	%edx
	popl	%ecx
	popl	%eax
	ret

/* puts: write the NUL-terminated string at ESI. */
puts:
	pushl	%eax
	pushl	%esi
1:	movb	(%esi), %al
	testb	%al, %al
	jz	2f
	call	putc
	incl	%esi
	jmp	1b
2:	popl	%esi
	popl	%eax
	ret

/* putsn: write the string at ESI up to its NUL, at most ECX bytes. */
putsn:
	pushl	%eax
	pushl	%ecx
	pushl	%esi
1:	testl	%ecx, %ecx
	jz	2f
	movb	(%esi), %al
	testb	%al, %al
	jz	2f
	call	putc
	incl	%esi
	decl	%ecx
	jmp	1b
2:	popl	%esi
	popl	%ecx
	popl	%eax
	ret

/* crlf: write "\r\n". */
crlf:
	pushl	%esi
	movl	$s_crlf, %esi
	call	puts
	popl	%esi
	ret

/* put_hex64: write EDX:EAX as 16 lower-case hex digits. */
put_hex64:
	pushl	%eax
	movl	%edx, %eax
	call	put_hex32
	popl	%eax
	/* fall through */
/* put_hex32: write EAX as 8 lower-case hex digits. */
put_hex32:
	pushl	%eax
	pushl	%ecx
	pushl	%edx
	movl	%eax, %edx
	movl	$8, %ecx
1:	roll	$4, %edx
	movl	%edx, %eax
	andl	$0x0f, %eax
	movb	hex_digits(%eax), %al
	call	putc
	decl	%ecx
	jnz	1b
	popl	%edx
	popl	%ecx
	popl	%eax
	ret

/* put_dec32: write EAX as an unsigned decimal number. */
put_dec32:
	pushal
	movl	$10, %ebx
	xorl	%ecx, %ecx			/* digits pushed */
1:	xorl	%edx, %edx
	divl	%ebx				/* EAX = quotient, EDX = remainder */
	addl	$'0', %edx
	pushl	%edx
	incl	%ecx
	testl	%eax, %eax
	jnz	1b
2:	popl	%eax
	call	putc
	decl	%ecx
	jnz	2b
	popal
	ret

/* ---- read-only data ------------------------------------------------------------------------ */

null_idt_desc:
	.word 0					/* limit 0: every vector is out of bounds */
	.long 0
hex_digits:	.ascii "0123456789abcdef"
s_cmdline:	.asciz "probe: cmdline="
s_e820:		.asciz "probe: e820 0x"
s_space_0x:	.asciz " 0x"
s_initrd_none:	.asciz "probe: initrd none\r\n"
s_initrd_addr:	.asciz "probe: initrd addr=0x"
s_initrd_size:	.asciz " size=0x"
s_initrd_sum:	.asciz " sum="
s_0x:		.asciz "0x"
s_unreadable:	.asciz "unreadable\r\n"
s_ready:	.asciz "probe: ready\r\n"
s_done:		.asciz "probe: done\r\n"
s_flood:	.asciz "probe: flood "
s_crlf:		.asciz "\r\n"
w_echo:		.asciz "probe.echo"
w_spin:		.asciz "probe.spin"
w_hlt:		.asciz "probe.hlt"
w_triple:	.asciz "probe.triple"
w_reset:	.asciz "probe.reset"
w_flood:	.asciz "probe.flood="
w_exit:		.asciz "probe.exit="

/* ---- memory after the file image (covered by init_size, not initialised by the loader) ---- */

	.section .bss32, "aw", @nobits
	.balign 16
boot_params:	.skip 4				/* ESI at entry */
	.balign 16
stack:		.skip 4096
stack_top:
