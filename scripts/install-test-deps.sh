#!/usr/bin/env bash
# Installs what mga's test suite needs on a Debian machine: libpcap (pcap4j reads captures through it),
# tshark (independent dissection of what we emit), python3-scapy (independent fixtures), iproute2, iputils-ping,
# socat and ethtool (the end-to-end test with network namespaces); for host delivery's namespace test: nftables,
# curl, dig (bind9-dnsutils) and dnsmasq (dnsmasq-base: the program without the system service).
# clang, libbpf-dev and bpftool (mga-kernel
# compiles its XDP program with them, and the kernel data plane's tests and agent load it); etcd-server (the
# shared binding store's tests run a real etcd cluster).
# Idempotent: does nothing when everything is present. Needs root for apt-get.
set -euo pipefail
need=()
have_lib() { ldconfig -p 2>/dev/null | grep "$1" >/dev/null; } # no -q: see ./mga (SIGPIPE under pipefail)
have_lib 'libpcap\.so' || need+=(libpcap0.8)
command -v tshark >/dev/null 2>&1 || need+=(tshark)
/usr/bin/python3 -c 'import scapy' >/dev/null 2>&1 || need+=(python3-scapy)
# the end-to-end test builds network namespaces: iproute2, an unmodified client's ping and socat
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v ping >/dev/null 2>&1 || need+=(iputils-ping)
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v ethtool >/dev/null 2>&1 || need+=(ethtool)
# host delivery (mga responder --deliver=host) and its namespace test: real applications behind the anycast address
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v dig >/dev/null 2>&1 || need+=(bind9-dnsutils)
command -v dnsmasq >/dev/null 2>&1 || need+=(dnsmasq-base)
# the kernel data plane: the BPF compiler and headers (build), bpftool (load and attach)
command -v clang >/dev/null 2>&1 || need+=(clang)
[ -f /usr/include/bpf/bpf_helpers.h ] || need+=(libbpf-dev)
[ -f /usr/include/linux/bpf.h ] || need+=(linux-libc-dev)
command -v bpftool >/dev/null 2>&1 || [ -x /usr/sbin/bpftool ] || need+=(bpftool)
# the shared binding store (mga-store-etcd): its tests start a real 3-member etcd cluster on loopback ports
command -v etcd >/dev/null 2>&1 || [ -x /usr/bin/etcd ] || need+=(etcd-server)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "mga tests need: ${need[*]} (Debian packages); install them as root: apt-get install -y ${need[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "mga tests need: ${need[*]}; this is not a Debian-like system, install them with your package manager" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "installing: ${need[*]}" >&2
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
