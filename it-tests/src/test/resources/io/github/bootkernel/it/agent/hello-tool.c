/* A tool the test builds (gcc -static) and puts into the guest's initramfs through @BootKernel:
 * prints its arguments on stdout, their count on stderr, and exits with that count plus 40. */
#include <stdio.h>

int main(int argc, char **argv) {
    printf("hello-tool:");
    for (int i = 1; i < argc; i++) {
        printf(" %s", argv[i]);
    }
    printf("\n");
    fprintf(stderr, "%d arguments\n", argc - 1);
    return 40 + argc - 1;
}
