#!/bin/bash
# Install what building and testing vsvm needs on a Debian bookworm host
# (as root).  Idempotent and quick when everything is already there.
#   tools/setup-host.sh               install what is missing (make setup)
#   tools/setup-host.sh --check       only name what is missing, and fail
#   tools/setup-host.sh --check-user  the same for `make userspace` alone
set -euo pipefail

mode=${1:-install}
# What libvsvm, the tools and the IGT tests need.
user_pkgs=(gcc make pkg-config libdrm-dev)
pkgs=(
	build-essential gcc-multilib bc bison flex libelf-dev libssl-dev dwarves
	kmod cpio xz-utils zstd rsync python3 perl pkg-config
	sparse libdrm-dev
	qemu-system-x86 busybox-static
	libibverbs-dev ibverbs-providers iproute2
	dkms python3-sphinx graphviz
	groff-base
)

[ "$mode" = --check-user ] && pkgs=("${user_pkgs[@]}")
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$mode" != install ]; then
	echo "[vsvm] missing packages: ${missing[*]}; install them, or run 'make setup' as root" >&2
	exit 1
fi

if [ "$(id -u)" != 0 ]; then
	echo "[vsvm] missing packages: ${missing[*]}; run tools/setup-host.sh as root" >&2
	exit 1
fi
echo "[vsvm] installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -q update >/dev/null
apt-get -q install -y --no-install-recommends "${missing[@]}" >/dev/null
