#!/usr/bin/env bash
# Compiles the XDP program into $1 (and next to it mga_pass.bpf.c and mga_decap.bpf.c, for veth peers and tests) when the toolchain is there (clang, and libbpf-dev's headers); otherwise says
# what is missing in one line and leaves no object (the agent then refuses --data-plane=kernel, saying why).
# scripts/install-test-deps.sh installs the toolchain. A compile error fails the build.
set -euo pipefail
out="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/mga_haa.bpf.c"
if ! command -v clang >/dev/null 2>&1; then
  echo "mga-kernel: clang not found: no BPF object built (apt-get install clang libbpf-dev)"
  rm -f "$out" "$(dirname "$out")/mga_pass.bpf.o" "$(dirname "$out")/mga_decap.bpf.o"; exit 0
fi
if [ ! -f /usr/include/bpf/bpf_helpers.h ]; then
  echo "mga-kernel: libbpf headers not found: no BPF object built (apt-get install libbpf-dev)"
  rm -f "$out" "$(dirname "$out")/mga_pass.bpf.o" "$(dirname "$out")/mga_decap.bpf.o"; exit 0
fi
mkdir -p "$(dirname "$out")"
arch_inc="/usr/include/$(uname -m)-linux-gnu"
pass="$(dirname "$out")/mga_pass.bpf.o"
if [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ] && [ "$pass" -nt "$here/mga_pass.bpf.c" ] \
  && [ "$(dirname "$out")/mga_decap.bpf.o" -nt "$here/mga_decap.bpf.c" ]; then exit 0; fi
clang -O2 -g -Wall -Werror -target bpf -I"$arch_inc" -c "$src" -o "$out"
clang -O2 -g -Wall -Werror -target bpf -I"$arch_inc" -c "$here/mga_pass.bpf.c" -o "$pass"
clang -O2 -g -Wall -Werror -target bpf -I"$arch_inc" -c "$here/mga_decap.bpf.c" -o "$(dirname "$out")/mga_decap.bpf.o"
