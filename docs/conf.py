# SPDX-License-Identifier: GPL-2.0-only
#
# Sphinx configuration for vsvm's documentation (`make htmldocs`, which
# runs tools/htmldocs.sh).  The `.. kernel-doc::` directives are the
# kernel's own: tools/htmldocs.sh points VSVM_KERNEL_SPHINX at the pinned
# kernel source's Documentation/sphinx (for kerneldoc.py) and
# VSVM_KERNEL_DOC at its scripts/kernel-doc.  Paths in the directives are
# relative to the repository's top directory.

import os
import sys

_top = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
_ksphinx = os.environ.get('VSVM_KERNEL_SPHINX')
if not _ksphinx:
    sys.exit('VSVM_KERNEL_SPHINX is not set: build the docs with `make htmldocs`')
sys.path.insert(0, _ksphinx)

project = 'vsvm'
copyright = 'the vsvm authors'
root_doc = 'index'
exclude_patterns = ['_build']

extensions = ['kerneldoc', 'sphinx.ext.graphviz']

kerneldoc_bin = os.environ.get('VSVM_KERNEL_DOC')
kerneldoc_srctree = _top
kerneldoc_verbosity = 1

# Pictures are SVG, so that the HTML shows them at any size.
graphviz_output_format = 'svg'

# Kernel attributes that Sphinx's C parser does not know (the kernel's own
# Documentation/conf.py keeps the full list; these are the ones vsvm uses).
c_id_attributes = [
    '__user', '__iomem', '__rcu', '__percpu', '__force', '__must_check',
    '__always_unused', '__maybe_unused', '__packed', '__aligned',
    '__counted_by', '__printf', '__init', '__exit', '__cold', 'noinline',
    '__always_inline', '__acquires', '__releases', '__must_hold',
]

# The kernel's directives emit C declarations: show them as C.
primary_domain = 'c'
highlight_language = 'none'

html_title = 'vsvm'
html_static_path = []
html_show_sourcelink = False
