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
#   make userspace  libvsvm, tools and IGT tests
#   make static     checkpatch, sparse, W=1 -Werror, kernel-doc, uapi header
#   make bench      the benchmarks (vsvm-bench) in the stock kernel's VM
#   make htmldocs   docs/ as HTML in build/htmldocs/ (Sphinx, kernel-doc)

KERNEL ?= stock
# With KDIR, `make module` builds against that kernel build tree instead.
KDIR ?=
SUITES ?= kunit,igt,unload
# With IGT=vsvm_userptr,vsvm_dmachk, vm-test runs only those IGT programs.
IGT ?=
BUILD := build

# With IGT_SRC and IGT_BUILD (a configured meson build of IGT), the tests are
# built against that IGT instead of igt-tests/lib (see igt-tests/README.md).
IGT_SRC ?=
IGT_BUILD ?=

CC ?= gcc
USER_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers $(shell pkg-config --cflags libdrm 2>/dev/null) \
	-Iuapi/drm -Iuserspace/lib
USER_LIBS := $(shell pkg-config --libs libdrm 2>/dev/null)

# The pinned kernel's sanitised uapi headers (for vgem's, which libdrm lacks);
# searched after the system's, so they add headers without replacing any.
KUAPI := $(shell bash -c '. tools/kernel/common.sh && echo "$$VSVM_KDIR/uapi/include"')

LIBVSVM := $(BUILD)/user/libvsvm.a
TOOLS := $(patsubst userspace/tools/%.c,$(BUILD)/user/bin/%,$(wildcard userspace/tools/*.c))
IGT_TESTS := $(patsubst igt-tests/%.c,$(BUILD)/igt/%,$(wildcard igt-tests/vsvm_*.c))

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

.PHONY: all check demo bench vm-test module userspace static setup clean kernel-fetch htmldocs

all: userspace module

setup:
	@bash tools/setup-host.sh

check:
	@bash tools/check.sh

demo:
	@bash tools/demo.sh

bench: setup
	@$(MAKE) --no-print-directory userspace
	@bash tools/vm/run.sh --kernel $(KERNEL) --suites bench

kernel-fetch:
	@bash tools/kernel/fetch.sh

vm-test: setup
	@$(MAKE) --no-print-directory userspace
	@bash tools/vm/run.sh --kernel $(KERNEL) --suites $(SUITES) $(if $(IGT),--igt $(IGT))

# A KDIR build needs nothing of the test machinery (no host set-up, no VM).
module: $(if $(KDIR),,setup)
	@bash tools/build-module.sh $(if $(KDIR),--kdir $(KDIR),$(KERNEL))

htmldocs:
	@bash tools/htmldocs.sh

static: setup
	@bash tools/check/static.sh

userspace: $(LIBVSVM) $(TOOLS) $(IGT_TESTS)

$(BUILD)/user/%.o: userspace/lib/%.c userspace/lib/libvsvm.h uapi/drm/vsvm_drm.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

$(LIBVSVM): $(BUILD)/user/libvsvm.o
	$(AR) rcs $@ $^

# vsvm-bench compares userptr registration with ibv_reg_mr where libibverbs is.
$(BUILD)/user/bin/vsvm-bench: TOOL_FLAGS := $(shell pkg-config --exists libibverbs 2>/dev/null && \
	echo -DHAVE_IBVERBS $$(pkg-config --cflags --libs libibverbs))

$(BUILD)/user/bin/%: userspace/tools/%.c $(LIBVSVM) | kernel-fetch
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -idirafter $(KUAPI) -o $@ $< $(LIBVSVM) $(USER_LIBS) $(TOOL_FLAGS)

$(BUILD)/igt-lib/%.o: igt-tests/lib/%.c igt-tests/lib/igt.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Iigt-tests/lib -Wno-clobbered -c -o $@ $<

$(BUILD)/igt-lib/libigt-subset.a: $(BUILD)/igt-lib/igt_core.o $(BUILD)/igt-lib/drmtest.o
	$(AR) rcs $@ $^

$(BUILD)/igt/%: igt-tests/%.c igt-tests/vsvm_igt.h uapi/drm/vsvm_drm.h $(IGT_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(IGT_CFLAGS) -Iigt-tests -o $@ $< $(IGT_LINK) $(USER_LIBS)

clean:
	rm -rf $(BUILD)
