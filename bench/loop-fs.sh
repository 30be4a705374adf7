#!/bin/sh
# Creates and mounts a fresh ext4 image for benchmarks (needs root), so placeholder creation is
# measured on a filesystem without the host's history (the root filesystem here is mounted with
# `discard` and slows down after large deletes).
#   bench/loop-fs.sh up [DIR] [SIZE]   → mounts at DIR (default /tmp/o4-bench-fs), prints DIR
#   bench/loop-fs.sh down [DIR]
set -eu
dir=${2:-/tmp/o4-bench-fs}
case ${1:-} in
  up)
    size=${3:-8G}
    mkdir -p "$dir"
    mountpoint -q "$dir" && umount "$dir"
    rm -f "$dir.img"
    truncate -s "$size" "$dir.img"
    mkfs.ext4 -q -F "$dir.img"
    mount -o loop "$dir.img" "$dir"
    echo "$dir"
    ;;
  down)
    mountpoint -q "$dir" && umount "$dir"
    rm -f "$dir.img"
    ;;
  *) echo "usage: $0 up|down [DIR] [SIZE]" >&2; exit 2 ;;
esac
