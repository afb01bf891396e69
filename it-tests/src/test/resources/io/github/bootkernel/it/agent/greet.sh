#!/bin/sh
# A script the test puts into the guest through @BootKernel(files = ...), with mode 0750.
echo "greetings from $(uname -s)"
