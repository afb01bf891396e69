/*
 * exit-status: report a test's exit status to the VM monitor and return.
 *
 * Usage: exit-status STATUS      (STATUS is a decimal number from 0 to 255)
 *
 * Writes the single byte STATUS to I/O port 0xf4, where bootkernel's monitor (like QEMU's
 * isa-debug-exit device) listens for the guest's verdict. Debian's cloud kernel has no /dev/port,
 * so the port is reached directly: ioperm() grants this process access to that one port (it needs
 * CAP_SYS_RAWIO, which /init running as root has) and outb() issues the write.
 *
 * Before the write it waits until its standard output and error, when they are terminals, have
 * sent everything written to them (tcdrain(3)): what a shell printed before calling it reaches the
 * console before the machine ends. Without the wait, on a guest with several CPUs the shell's
 * last output could still sit in the tty's buffer, drained by interrupts on another CPU, when the
 * port write ends the machine.
 *
 * Built by bootkernel with `gcc -static -Os -s` so it runs in an initramfs without a C library.
 * Exit status: 0 after the write (if the monitor lets the guest continue), 1 if ioperm() fails,
 * 2 on a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <termios.h>
#include <unistd.h>

#define EXIT_PORT 0xf4

static int usage(const char *why)
{
	fprintf(stderr, "exit-status: %s\nusage: exit-status STATUS   (STATUS: 0..255, written to port 0x%x)\n",
		why, EXIT_PORT);
	return 2;
}

int main(int argc, char **argv)
{
	char *end;
	long status;

	if (argc != 2)
		return usage("expected exactly one argument");
	errno = 0;
	status = strtol(argv[1], &end, 10);
	if (errno != 0 || end == argv[1] || *end != '\0' || status < 0 || status > 255)
		return usage("STATUS must be a decimal number from 0 to 255");
	if (ioperm(EXIT_PORT, 1, 1) != 0) {
		perror("exit-status: ioperm(0xf4)");
		return 1;
	}
	/* Not a terminal (ENOTTY) or no such descriptor (EBADF): nothing to wait for. */
	tcdrain(STDOUT_FILENO);
	tcdrain(STDERR_FILENO);
	outb((unsigned char)status, EXIT_PORT);
	return 0;
}
