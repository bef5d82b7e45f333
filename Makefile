# SPDX-License-Identifier: GPL-2.0-only
#
# vsvm: the two commands (see README.md) and the pieces they are made of.
#
#   make check      every static check and every suite on both kernels
#   make demo       boot the VM, load vsvm, print what it does
#   make vm-test KERNEL=stock|debug SUITES=kunit,igt,unload [IGT=vsvm_userptr]
#                   one boot of one kernel with the suites you name (fast loop)
#   make module KERNEL=stock|debug    build vsvm.ko out of tree
#   make module KDIR=/lib/modules/$(uname -r)/build   ... for another 6.12 tree
#   make userspace  libvsvm, tools and IGT tests (Debian packages only)
#   make install [PREFIX=/usr/local] [DESTDIR=]
#                   libvsvm (shared and static), its headers under
#                   include/vsvm/, libvsvm.pc, the tools and their man pages
#   make static     checkpatch, sparse, W=1 -Werror, kernel-doc, uapi header
#   make bench      the benchmarks (vsvm-bench) in the stock kernel's VM
#   make htmldocs   docs/ as HTML in build/htmldocs/ (Sphinx, kernel-doc)

KERNEL ?= stock
# With KDIR, `make module` builds against that kernel build tree instead.
KDIR ?=
SUITES ?= kunit,igt,unload
# With IGT=vsvm_userptr,vsvm_dmachk, vm-test runs only those IGT programs.
IGT ?=
# With UPSTREAM=list (and UPSTREAM_DRIVER=vkms, UPSTREAM_DEVICE=filter), vm-test
# also runs the upstream IGT binaries the list names (see docs/testing.rst).
UPSTREAM ?=
UPSTREAM_DRIVER ?=
UPSTREAM_DEVICE ?=
# UPSTREAM_BIN=/path/to/igt/build/tests: where a list's bare program names are;
# UPSTREAM_TIMEOUT: seconds per program (120 unless given).
UPSTREAM_BIN ?=
UPSTREAM_TIMEOUT ?=
BUILD := build

# With IGT_SRC and IGT_BUILD (a configured meson build of IGT), the tests are
# built against that IGT instead of igt-tests/lib (see igt-tests/README.md).
IGT_SRC ?=
IGT_BUILD ?=

CC ?= gcc
USER_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers $(shell pkg-config --cflags libdrm 2>/dev/null) \
	-Iuapi/drm -Iuserspace/lib
USER_LIBS := $(shell pkg-config --libs libdrm 2>/dev/null) -lpthread

# Where `make install` puts things; DESTDIR stages the whole tree.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

# libvsvm's version; the soname's number changes only when the ABI breaks.
LIBVSVM_VERSION := 1.2.0
LIBVSVM_SOMAJOR := 1
LIBVSVM_OBJS := $(BUILD)/user/libvsvm.o $(BUILD)/user/libvsvm_cs.o
LIBVSVM := $(BUILD)/user/libvsvm.a
LIBVSVM_SO := $(BUILD)/user/libvsvm.so.$(LIBVSVM_VERSION)
LIBVSVM_PC := $(BUILD)/user/libvsvm.pc
LIBVSVM_HEADERS := userspace/lib/libvsvm.h userspace/lib/libvsvm_cs.h uapi/drm/vsvm_drm.h
TOOLS := $(patsubst userspace/tools/%.c,$(BUILD)/user/bin/%,$(wildcard userspace/tools/*.c))
IGT_TESTS := $(patsubst igt-tests/%.c,$(BUILD)/igt/%,$(wildcard igt-tests/vsvm_*.c))
# The tools' man pages, wherever they are kept.
MAN1 := $(wildcard userspace/man/*.1 docs/man/*.1 man/*.1)

ifeq ($(IGT_SRC),)
IGT_CFLAGS := -Iigt-tests/lib -Wno-clobbered
IGT_LIB := $(BUILD)/igt-lib/libigt-subset.a
IGT_LINK := $(IGT_LIB)
else
IGT_CFLAGS := -I$(IGT_SRC) -I$(IGT_SRC)/include -I$(IGT_SRC)/include/drm-uapi \
	-I$(IGT_SRC)/include/drm-uapi-experimental -I$(IGT_SRC)/include/linux-uapi \
	-I$(IGT_SRC)/lib -I$(IGT_SRC)/lib/stubs/syscalls -I$(IGT_BUILD) -Wno-clobbered \
	$(shell pkg-config --cflags pixman-1 cairo 2>/dev/null)
IGT_LIB :=
IGT_LINK := -L$(IGT_BUILD)/lib -ligt -Wl,-rpath,$(abspath $(IGT_BUILD))/lib
endif

.PHONY: all check demo bench vm-test module userspace static setup clean kernel-fetch htmldocs \
	install libvsvm host-deps user-deps

all: userspace module

# Installs missing packages (as root); `make check` and `make demo` run it.
setup:
	@bash tools/setup-host.sh

# Everything else only checks, and names what is missing.
host-deps:
	@bash tools/setup-host.sh --check

user-deps:
	@bash tools/setup-host.sh --check-user

check:
	@bash tools/check.sh

demo:
	@bash tools/demo.sh

bench: host-deps
	@$(MAKE) --no-print-directory userspace
	@bash tools/vm/run.sh --kernel $(KERNEL) --suites bench

kernel-fetch:
	@bash tools/kernel/fetch.sh

vm-test: host-deps
	@$(MAKE) --no-print-directory userspace
	@bash tools/vm/run.sh --kernel $(KERNEL) --suites $(SUITES) $(if $(IGT),--igt $(IGT)) \
		$(if $(UPSTREAM),--upstream $(UPSTREAM)) \
		$(if $(UPSTREAM_DRIVER),--upstream-driver $(UPSTREAM_DRIVER)) \
		$(if $(UPSTREAM_DEVICE),--upstream-device $(UPSTREAM_DEVICE)) \
		$(if $(UPSTREAM_BIN),--upstream-bin $(UPSTREAM_BIN)) \
		$(if $(UPSTREAM_TIMEOUT),--upstream-timeout $(UPSTREAM_TIMEOUT))

# A KDIR build needs nothing of the test machinery (no host set-up, no VM).
module: $(if $(KDIR),,host-deps)
	@bash tools/build-module.sh $(if $(KDIR),--kdir $(KDIR),$(KERNEL))

htmldocs:
	@bash tools/htmldocs.sh

static: host-deps
	@bash tools/check/static.sh

userspace: libvsvm $(TOOLS) $(IGT_TESTS) $(BUILD)/igt/vsvm_install

libvsvm: $(LIBVSVM) $(LIBVSVM_SO) $(LIBVSVM_PC)

$(BUILD)/user/%.o: userspace/lib/%.c $(LIBVSVM_HEADERS) | user-deps
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -fPIC -c -o $@ $<

$(LIBVSVM): $(LIBVSVM_OBJS)
	$(AR) rcs $@ $^

# Exports exactly what userspace/lib/libvsvm.map lists (static.sh checks
# that this is every public function of the headers, and nothing else).
$(LIBVSVM_SO): $(LIBVSVM_OBJS) userspace/lib/libvsvm.map
	$(CC) -shared -Wl,-soname,libvsvm.so.$(LIBVSVM_SOMAJOR) \
		-Wl,--version-script,userspace/lib/libvsvm.map -Wl,--no-undefined \
		-o $@ $(LIBVSVM_OBJS) $(USER_LIBS)
	ln -sf $(notdir $@) $(BUILD)/user/libvsvm.so.$(LIBVSVM_SOMAJOR)
	ln -sf libvsvm.so.$(LIBVSVM_SOMAJOR) $(BUILD)/user/libvsvm.so

# For this PREFIX; `make install` writes it again for its own.
PC_SED := -e 's|@prefix@|$(PREFIX)|; s|@libdir@|$(LIBDIR)|; s|@includedir@|$(INCLUDEDIR)|' \
	-e 's|@version@|$(LIBVSVM_VERSION)|'
$(LIBVSVM_PC): userspace/lib/libvsvm.pc.in Makefile
	@mkdir -p $(dir $@)
	sed $(PC_SED) $< > $@

# The tools and tests link libvsvm statically: they run from build/ and in
# the test VM without a library path (the install test checks the shared one).
# vsvm-bench compares userptr registration with ibv_reg_mr where libibverbs is.
$(BUILD)/user/bin/vsvm-bench: TOOL_FLAGS := $(shell pkg-config --exists libibverbs 2>/dev/null && \
	echo -DHAVE_IBVERBS $$(pkg-config --cflags --libs libibverbs))

$(BUILD)/user/bin/%: userspace/tools/%.c $(LIBVSVM) $(wildcard userspace/tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $< $(LIBVSVM) $(USER_LIBS) $(TOOL_FLAGS)

install: libvsvm $(TOOLS)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/vsvm $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(BINDIR)
	install -m 0644 $(LIBVSVM) $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(LIBVSVM_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libvsvm.so.$(LIBVSVM_VERSION) $(DESTDIR)$(LIBDIR)/libvsvm.so.$(LIBVSVM_SOMAJOR)
	ln -sf libvsvm.so.$(LIBVSVM_SOMAJOR) $(DESTDIR)$(LIBDIR)/libvsvm.so
	install -m 0644 $(LIBVSVM_HEADERS) $(DESTDIR)$(INCLUDEDIR)/vsvm/
	sed $(PC_SED) userspace/lib/libvsvm.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libvsvm.pc
	install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	$(if $(MAN1),install -d $(DESTDIR)$(MANDIR)/man1 && \
		install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/)

# A user's program against libvsvm installed in a DESTDIR, found with
# pkg-config alone; the VM runs it with the IGT tests.
$(BUILD)/igt/vsvm_install: userspace/tests/vsvm_install.c tools/check/install-test.sh \
		$(LIBVSVM) $(LIBVSVM_SO) userspace/lib/libvsvm.pc.in \
		$(TOOLS)
	bash tools/check/install-test.sh $@

$(BUILD)/igt-lib/%.o: igt-tests/lib/%.c igt-tests/lib/igt.h | user-deps
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Iigt-tests/lib -Wno-clobbered -c -o $@ $<

$(BUILD)/igt-lib/libigt-subset.a: $(BUILD)/igt-lib/igt_core.o $(BUILD)/igt-lib/drmtest.o
	$(AR) rcs $@ $^

$(BUILD)/igt/%: igt-tests/%.c igt-tests/vsvm_igt.h igt-tests/vsvm_svm_igt.h $(LIBVSVM_HEADERS) $(IGT_LIB) $(LIBVSVM)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(IGT_CFLAGS) -Iigt-tests -o $@ $< $(IGT_LINK) $(LIBVSVM) $(USER_LIBS)

clean:
	rm -rf $(BUILD)
