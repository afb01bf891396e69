/*
 * Guest side of the exit-path benchmark (bench/.../io/ExitPath.java): COUNT single-byte port
 * writes (`outb`) to PORT, a port no device of either monitor answers. Each one is a VM exit to the
 * monitor's user space.
 *
 *   outb_bench ioperm PORT COUNT    from user space after ioperm(2)
 *   outb_bench devport PORT COUNT   by the kernel: a one-byte pwrite(2) to /dev/port at PORT each
 *                                   (needs CONFIG_DEVPORT, e.g. Debian's generic kernel)
 *
 * The ioperm mode is the leaner loop, but under QEMU with KVM in the nested VM the first `outb`
 * of a task with an I/O bitmap dies of SIGSEGV (a #GP) while it runs under bootkernel with the
 * same kernel; the devport mode works under both, so the benchmark uses it.
 *
 * Prints "bench-io: start outb" before and "bench-io: done outb <count> <guest ns>" after, on
 * stdout (the console).
 * Built with: gcc -static -O2 -o outb_bench outb_bench.c
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[1], "ioperm") != 0 && strcmp(argv[1], "devport") != 0)) {
        fprintf(stderr, "usage: outb_bench ioperm|devport PORT COUNT\n");
        return 2;
    }
    int devport = strcmp(argv[1], "devport") == 0;
    long port = strtol(argv[2], NULL, 0);
    long count = strtol(argv[3], NULL, 10);
    if (port <= 0 || port > 0xffff || count <= 0) {
        fprintf(stderr, "outb_bench: bad PORT %s or COUNT %s\n", argv[2], argv[3]);
        return 2;
    }
    int fd = -1;
    if (devport) {
        fd = open("/dev/port", O_WRONLY);
        if (fd < 0) {
            fprintf(stderr, "outb_bench: open /dev/port: %s\n", strerror(errno));
            return 1;
        }
    } else if (ioperm((unsigned long) port, 1, 1) != 0) {
        fprintf(stderr, "outb_bench: ioperm(0x%lx): %s\n", port, strerror(errno));
        return 1;
    }
    printf("bench-io: start outb\n");
    fflush(stdout);
    long long t0 = now_ns();
    for (long i = 0; i < count; i++) {
        unsigned char b = (unsigned char) i;
        if (devport) {
            if (pwrite(fd, &b, 1, port) != 1) {
                fprintf(stderr, "outb_bench: pwrite /dev/port at 0x%lx: %s\n", port, strerror(errno));
                return 1;
            }
        } else {
            outb(b, (unsigned short) port);
        }
    }
    long long t1 = now_ns();
    printf("bench-io: done outb %ld %lld\n", count, t1 - t0);
    fflush(stdout);
    return 0;
}
