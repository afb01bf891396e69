#!/usr/bin/env bash
# Boot time of bootkernel.jar against QEMU with KVM, same kernel, same initramfs, same machine.
#
#   bench/boot-vs-qemu.sh [RUNS [KERNEL_ID...]]          on a machine with hardware KVM
#   ../shared/nested-kvm/run -- bench/boot-vs-qemu.sh [RUNS [KERNEL_ID...]]     on the PVM build machines
#
# KERNEL_ID: debian-cloud (default), debian-generic, tiny, tiny-kunit (ids in ~/.cache/bootkernel/latest).
# BENCH_CPUS: the vCPU counts to boot each kernel with, one row each (default "1 4"): bootkernel's
# --cpus N and QEMU's -smp N.
#
# Needs `mvn install` first (bootkernel.jar and ~/.cache/bootkernel/latest/*), and
# qemu-system-x86_64 for the comparison. Each run boots Debian's cloud kernel with `quiet` and an
# initramfs whose /init prints a line and reboots (each kernel id in turn; Debian's cloud kernel by
# default): bootkernel ends on the i8042 reset (reboot=k), QEMU on the reboot (-no-reboot). It
# measures each process's wall
# time from start to exit, and for bootkernel the time until the init line appears. Prints every run
# and the medians; compare ratios from one run of this script, not absolute times across machines.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
ids=("${@:-debian-cloud}")
cache=${BOOTKERNEL_CACHE:-$HOME/.cache/bootkernel}
jar=engine/target/bootkernel.jar
for f in "$cache/latest/busybox-static" "$cache/latest/exit-status" "$jar"; do
  [ -e "$f" ] || { echo "missing $f: run mvn install first" >&2; exit 2; }
done

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/bin" "$work/root/proc" "$work/root/dev"
cp "$cache/latest/busybox-static" "$work/root/bin/busybox"
cp "$cache/latest/exit-status" "$work/root/bin/exit-status"
printf '#!/bin/busybox sh\n/bin/busybox echo "bench: init reached"\n/bin/busybox reboot -f\n' > "$work/root/init"
chmod +x "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc 2>/dev/null) > "$work/initramfs.cpio"

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

bench() {
  id=$1 cpus=$2
  kernel=$cache/latest/$id
  [ -e "$kernel" ] || { echo "missing $kernel: run mvn install first" >&2; exit 2; }
  : > "$work/bk"; : > "$work/bk-init"; : > "$work/qemu"
  for i in $(seq "$runs"); do
    rm -f "$work/init-at"
    t0=$(now)
    java -jar "$jar" --cpus "$cpus" --kernel "$kernel" --initrd "$work/initramfs.cpio" --cmdline quiet --timeout 120 \
        </dev/null 2>"$work/err" | while IFS= read -r line; do
          case "$line" in *"bench: init reached"*) now > "$work/init-at" ;; esac
        done || true
    t1=$(now)
    grep -q "guest ended: RESET" "$work/err" || { echo "bootkernel run $i did not end with a reset:" >&2; cat "$work/err" >&2; exit 1; }
    exits=$(sed -n 's/.*[;,] \([0-9]*\) VM exits.*/\1/p' "$work/err")
    echo "$t1 - $t0" | bc >> "$work/bk"
    [ -f "$work/init-at" ] || { echo "bootkernel run $i never printed the init line" >&2; exit 1; }
    echo "$(cat "$work/init-at") - $t0" | bc >> "$work/bk-init"
    printf '%s, %d vCPUs, bootkernel run %d: %.2f s to exit, %.2f s to the init line, %s VM exits\n' "$id" \
        "$cpus" "$i" "$(tail -1 "$work/bk")" "$(tail -1 "$work/bk-init")" "$exits"
    if command -v qemu-system-x86_64 >/dev/null; then
      t0=$(now)
      set +e
      qemu-system-x86_64 -enable-kvm -M pc -cpu host -smp "$cpus" -m 256 -nographic -no-reboot -nodefaults -serial stdio \
          -kernel "$kernel" -initrd "$work/initramfs.cpio" \
          -append "console=ttyS0 reboot=k panic=-1 quiet" \
          </dev/null >"$work/qemu-out" 2>&1
      rc=$?
      set -e
      t1=$(now)
      [ "$rc" = 0 ] && grep -q "bench: init reached" "$work/qemu-out" || { echo "qemu run $i ended with $rc before /init's line" >&2; grep -m3 -E "panic|BUG|Oops|error|Error|fault" "$work/qemu-out" >&2; tail -5 "$work/qemu-out" >&2; exit 1; }
      echo "$t1 - $t0" | bc >> "$work/qemu"
      printf '%s, %d vCPUs, qemu -M pc run %d: %.2f s to exit\n' "$id" "$cpus" "$i" "$(tail -1 "$work/qemu")"
    fi
  done
  bk=$(median < "$work/bk"); bki=$(median < "$work/bk-init")
  printf '\n%s, %d vCPUs, median over %d runs: bootkernel %.2f s to exit (%.2f s to the init line)' "$id" "$cpus" "$runs" "$bk" "$bki"
  if [ -s "$work/qemu" ]; then
    q=$(median < "$work/qemu")
    printf ', qemu -M pc %.2f s; bootkernel/qemu = %.2f\n' "$q" "$(echo "$bk / $q" | bc -l)"
  else
    printf ' (qemu-system-x86_64 not installed: no comparison)\n'
  fi
}

for id in "${ids[@]}"; do
  for cpus in ${BENCH_CPUS:-1 4}; do bench "$id" "$cpus"; done
done
