#!/bin/bash
# `make htmldocs`: docs/ as HTML in build/htmldocs/, with Sphinx (Debian's
# python3-sphinx) and the kernel's kernel-doc extension and script from the
# pinned linux-source-6.12, so that the `.. kernel-doc::` directives pull
# the DOC sections, structs and functions from drm/ and uapi/.  Pictures are
# drawn by Sphinx's graphviz extension (Debian's graphviz).
#   tools/htmldocs.sh [extra sphinx-build arguments, e.g. -W --keep-going]
set -euo pipefail
. "$(dirname "$0")/kernel/common.sh"

for tool in sphinx-build dot; do
	command -v "$tool" >/dev/null ||
		vsvm_die "$tool is missing: run tools/setup-host.sh as root (python3-sphinx, graphviz)"
done
bash "$VSVM_TOP/tools/kernel/fetch.sh"
[ -f "$VSVM_SRC/Documentation/sphinx/kerneldoc.py" ] ||
	vsvm_die "no Documentation/sphinx/kerneldoc.py in $VSVM_SRC"

out="$VSVM_TOP/build/htmldocs"
rm -rf "$out"
# Debian's sphinx-build runs the system's python3, which has the modules.
VSVM_KERNEL_SPHINX="$VSVM_SRC/Documentation/sphinx" \
VSVM_KERNEL_DOC="$VSVM_SRC/scripts/kernel-doc" \
	sphinx-build -q -b html -d "$out/.doctrees" "$@" "$VSVM_TOP/docs" "$out"
vsvm_log "HTML documentation in $out/index.html"
