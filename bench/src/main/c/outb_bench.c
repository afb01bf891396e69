/*
 * Guest side of the exit-path benchmark (bench/.../io/ExitPath.java): COUNT single-byte port
 * writes (`outb`) to PORT, a port no device of either monitor answers, from user space with
 * ioperm(2). Each one is a VM exit to the monitor's user space.
 *
 *   outb_bench PORT COUNT      e.g. outb_bench 0x2e8 1000000
 *
 * Prints "bench-io: start outb" before and "bench-io: done outb <count> <guest ns>" after, on
 * stdout (the console).
 * Built with: gcc -static -O2 -o outb_bench outb_bench.c
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: outb_bench PORT COUNT\n");
        return 2;
    }
    long port = strtol(argv[1], NULL, 0);
    long count = strtol(argv[2], NULL, 10);
    if (port <= 0 || port > 0xffff || count <= 0) {
        fprintf(stderr, "outb_bench: bad PORT %s or COUNT %s\n", argv[1], argv[2]);
        return 2;
    }
    if (ioperm((unsigned long) port, 1, 1) != 0) {
        fprintf(stderr, "outb_bench: ioperm(0x%lx): %s\n", port, strerror(errno));
        return 1;
    }
    printf("bench-io: start outb\n");
    fflush(stdout);
    long long t0 = now_ns();
    for (long i = 0; i < count; i++) {
        outb((unsigned char) i, (unsigned short) port);
    }
    long long t1 = now_ns();
    printf("bench-io: done outb %ld %lld\n", count, t1 - t0);
    fflush(stdout);
    return 0;
}
