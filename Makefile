# SPDX-License-Identifier: GPL-2.0
# intnet: build the module and the CLI, install the dependencies, run the VM tests.
#
#   make                build kmod/intnet.ko (KDIR=...) and userland/intnetctl
#   make deps           install everything from Debian's packages (idempotent)
#   make check          run the selftests in QEMU on every lane (LANES="6.1 6.12 debug")
#   make check-full     the same, with the nested QEMU guest test on every lane
#   make vm CMD='...'   run one command in a guest with intnet loaded (LANE=6.12)
#   make shell          an interactive guest (LANE=6.12)
#   make demo           boot a guest and show intnet working
#   make bench          intnet against the Linux bridge, in one guest (LANE=6.12)
#   make fuzz           the netlink fuzzer alone, full count (FUZZ_LANES=debug)
#   make lint           checkpatch, sparse, W=1, clang-format, the YNL spec, hardening
#   make format         format the userland and test C as make lint wants it
#
# With no KBUILD_EXTMOD set, this is the project's Makefile; kbuild itself reads Kbuild.

VERSION := $(shell sed -n 's/^\#define INTNET_VERSION "\(.*\)"/\1/p' kmod/version.h)
BUILD ?= $(CURDIR)/build
# The host's own kernel has no headers package: default to the newest Debian headers.
KDIR ?= $(lastword $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V))
LANE ?= 6.12
LANES ?= 6.1 6.12 debug
CMD ?= intnetctl version

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror
NL_CFLAGS = $(shell pkg-config --cflags libnl-genl-3.0)
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0)

# intnetctl: one object per source file, rebuilt when a header it includes
# changes (-MMD -MP), or when the version does.
CLI_OBJS := $(patsubst userland/%.c,$(BUILD)/userland/%.o,$(wildcard userland/*.c))
# The helper (userland/qemu-helper/, libc only) is built apart: one hardened command.
HELPER_SRCS := $(wildcard userland/qemu-helper/*.c)
HELPER_DEPS := $(HELPER_SRCS) $(wildcard userland/qemu-helper/*.h) \
	include/uapi/linux/intnet.h Makefile
# The helper runs with CAP_NET_ADMIN for every local user: always hardened, whatever
# CFLAGS says (lint.sh checks the binary). -O2 last, since _FORTIFY_SOURCE needs it.
HELPER_HARDEN := -O2 -fstack-protector-strong -fstack-clash-protection \
	-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fPIE -pie -Wl,-z,relro,-z,now
# The same helper with its ACL in a directory of the tests' own, never installed and
# without a capability: the ACL cases run on the host too (selftests/qemu_helper.c).
HELPER_TEST_CONF := /var/lib/intnet-qemu-helper-test/qemu-helper.conf

# intnet-nat (userland/nat/): libslirp's NAT, DHCP and DNS on a TAP of the network;
# a user gets the TAP from the helper installed by install-tools.
NAT_SRCS := $(wildcard userland/nat/*.c)
NAT_DEPS := $(NAT_SRCS) $(wildcard userland/nat/*.h) include/uapi/linux/intnet.h Makefile
# Debian's slirp.pc names glib-2.0, which libslirp's own header does not need:
# without glib's .pc pkg-config answers nothing, and -lslirp is all there is to it.
SLIRP_LIBS = $(shell pkg-config --libs slirp 2>/dev/null || echo -lslirp)

VM := selftests/vm/vm.sh

.PHONY: all kmod userland selftests deps check check-full fuzz vm shell demo bench debug-kernel lint format clean \
	install install-tools install-module uninstall dkms-install dkms-uninstall

all: kmod userland

# kbuild writes its objects beside the sources: build in a copy per kernel under
# $(BUILD), so that nothing is written into the source tree and kernels don't clash.
kmod:
	@test -d "$(KDIR)" || { echo "KDIR=$(KDIR): no kernel headers (run: make deps)"; exit 1; }
	@cp "$$(BUILD=$(BUILD) scripts/build-module.sh "$(KDIR)")" kmod/intnet.ko
	@echo "built kmod/intnet.ko for $$(scripts/build-module.sh --release "$(KDIR)")"

userland: userland/intnetctl $(if $(HELPER_SRCS),userland/intnet-qemu-helper) \
	$(if $(NAT_SRCS),userland/intnet-nat)
$(BUILD)/userland/%.o: userland/%.c kmod/version.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -std=gnu11 -Iinclude/uapi $(NL_CFLAGS) -MMD -MP \
		-DINTNET_VERSION='"$(VERSION)"' -c -o $@ $<
$(BUILD)/bin/intnetctl: $(CLI_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(NL_LIBS)
$(BUILD)/bin/intnet-qemu-helper: $(HELPER_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(HELPER_HARDEN) $(WARN) -std=gnu11 -Iinclude/uapi \
		-o $@ $(HELPER_SRCS)
$(BUILD)/selftests/helpers/intnet-qemu-helper-test: $(HELPER_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(HELPER_HARDEN) $(WARN) -std=gnu11 -Iinclude/uapi \
		-DINTNET_QEMU_HELPER_CONF='"$(HELPER_TEST_CONF)"' \
		-o $@ $(HELPER_SRCS)
$(BUILD)/bin/intnet-nat: $(NAT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -std=gnu11 -Iinclude/uapi $(NL_CFLAGS) \
		-DINTNET_NAT_HELPER='"$(LIBEXECDIR)/intnet-qemu-helper"' \
		-DINTNET_NAT_INTNETCTL='"$(SBINDIR)/intnetctl"' \
		-o $@ $(NAT_SRCS) $(SLIRP_LIBS) $(NL_LIBS)
userland/intnet-nat: $(BUILD)/bin/intnet-nat
	cp $< $@
userland/intnetctl: $(BUILD)/bin/intnetctl
	cp $< $@
userland/intnet-qemu-helper: $(BUILD)/bin/intnet-qemu-helper
	cp $< $@

selftests: $(if $(HELPER_SRCS),$(BUILD)/selftests/helpers/intnet-qemu-helper-test)
	@$(MAKE) -s -C selftests BUILD=$(BUILD)

deps:
	@scripts/deps.sh

debug-kernel:
	@selftests/vm/debug-kernel.sh

# check and demo start from a bare Debian 12: they install what is missing first.
check:
	@$(MAKE) -s deps
	@$(MAKE) -s userland selftests
	@BUILD=$(BUILD) selftests/vm/check.sh $(LANES)

# check-full: also the tests make check runs on one lane only (the nested QEMU guest
# of selftests/nested_qemu.sh) on every lane.
check-full:
	@$(MAKE) -s deps
	@$(MAKE) -s userland selftests
	@BUILD=$(BUILD) INTNET_FULL=1 selftests/vm/check.sh $(LANES)

# make check runs the fuzzer too, with fewer messages on the debug lane; this is the
# full run: FUZZ_COUNT messages, half as root and half as an unprivileged user.
FUZZ_LANES ?= debug
FUZZ_COUNT ?= 400000
fuzz:
	@$(MAKE) -s deps
	@$(MAKE) -s userland selftests
	@BUILD=$(BUILD) INTNET_TESTS=fuzz INTNET_FUZZ_COUNT=$(FUZZ_COUNT) TEST_TIMEOUT=2200 \
		selftests/vm/check.sh $(FUZZ_LANES)

# CMD goes through a file, so that make expands none of it ($$VAR, quotes stay as typed).
vm: userland
	$(file >$(BUILD)/vm.cmd,$(value CMD))
	@BUILD=$(BUILD) $(VM) run "$(LANE)" "$$(cat $(BUILD)/vm.cmd)"

shell: userland
	@BUILD=$(BUILD) $(VM) shell "$(LANE)"

demo:
	@$(MAKE) -s deps
	@$(MAKE) -s userland selftests
	@BUILD=$(BUILD) $(VM) run "$(LANE)" "examples/demo.sh"

# The benchmark (bench/): one icount guest on LANE; results in $(BUILD)/bench/.
bench:
	@$(MAKE) -s deps
	@$(MAKE) -s userland $(BUILD)/bench/tapgso $(BUILD)/bench/udpsend
	@BUILD=$(BUILD) BENCH_COMMAND="make bench LANE=$(LANE)" $(VM) bench "$(LANE)"
$(BUILD)/bench/tapgso $(BUILD)/bench/udpsend: $(BUILD)/bench/%: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -std=gnu11 -o $@ $<

lint:
	@scripts/lint.sh

# Formats the userland, selftest and benchmark C with the kernel's own .clang-format
# (from Debian's linux-source-6.12, never copied here), as make lint checks it.
format:
	@src=$$(scripts/source.sh) && clang-format --style="file:$$src/.clang-format" -i \
		userland/*.[ch] userland/qemu-helper/*.[ch] userland/nat/*.[ch] selftests/*.[ch] selftests/lib/*.[ch] \
		selftests/helpers/*.c bench/*.c

# make install: the tools (install-tools) and the module for KDIR (install-module);
# DKMS instead of install-module keeps the module built for every kernel
# (dkms-install). make uninstall takes away all of it. PREFIX=/usr/local.
PREFIX ?= /usr/local
SBINDIR := $(PREFIX)/sbin
BINDIR := $(PREFIX)/bin
USERUNITDIR := $(PREFIX)/lib/systemd/user
LIBEXECDIR := $(PREFIX)/libexec
MANDIR := $(PREFIX)/share/man
COMPLETIONDIR := $(PREFIX)/share/bash-completion/completions
CONFDIR := /etc/intnet
MODDIR = /lib/modules/$(shell scripts/build-module.sh --release "$(KDIR)")/extra

install: install-tools install-module

# The helper gets CAP_NET_ADMIN as a file capability, the only privilege it has; the
# ACL starts out denying everything (an existing one is kept).
install-tools: userland
	install -D -m 0755 userland/intnetctl $(DESTDIR)$(SBINDIR)/intnetctl
	install -D -m 0755 userland/intnet-qemu-helper \
		$(DESTDIR)$(LIBEXECDIR)/intnet-qemu-helper
	setcap cap_net_admin+ep $(DESTDIR)$(LIBEXECDIR)/intnet-qemu-helper
	install -D -m 0644 man/intnetctl.8 $(DESTDIR)$(MANDIR)/man8/intnetctl.8
	install -D -m 0644 man/intnet-qemu-helper.8 \
		$(DESTDIR)$(MANDIR)/man8/intnet-qemu-helper.8
	install -D -m 0644 completion/intnetctl $(DESTDIR)$(COMPLETIONDIR)/intnetctl
	install -D -m 0755 userland/intnet-nat $(DESTDIR)$(BINDIR)/intnet-nat
	install -D -m 0644 man/intnet-nat.1 $(DESTDIR)$(MANDIR)/man1/intnet-nat.1
	install -D -m 0644 systemd/intnet-nat@.service \
		$(DESTDIR)$(USERUNITDIR)/intnet-nat@.service
	test -e $(DESTDIR)$(CONFDIR)/qemu-helper.conf || \
		install -D -m 0644 userland/qemu-helper.conf \
			$(DESTDIR)$(CONFDIR)/qemu-helper.conf

install-module: kmod
	install -D -m 0644 kmod/intnet.ko $(DESTDIR)$(MODDIR)/intnet.ko
	test -n "$(DESTDIR)" || depmod "$$(scripts/build-module.sh --release "$(KDIR)")"

# The ACL goes only if it is still the one install made.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/intnetctl $(DESTDIR)$(LIBEXECDIR)/intnet-qemu-helper \
		$(DESTDIR)$(MANDIR)/man8/intnetctl.8 \
		$(DESTDIR)$(MANDIR)/man8/intnet-qemu-helper.8 \
		$(DESTDIR)$(COMPLETIONDIR)/intnetctl $(DESTDIR)$(BINDIR)/intnet-nat \
		$(DESTDIR)$(MANDIR)/man1/intnet-nat.1 \
		$(DESTDIR)$(USERUNITDIR)/intnet-nat@.service
	! cmp -s userland/qemu-helper.conf $(DESTDIR)$(CONFDIR)/qemu-helper.conf || \
		rm -f $(DESTDIR)$(CONFDIR)/qemu-helper.conf
	-rmdir $(DESTDIR)$(CONFDIR) 2>/dev/null
	rm -f $(DESTDIR)$(MODDIR)/intnet.ko
	test -n "$(DESTDIR)" || depmod "$$(scripts/build-module.sh --release "$(KDIR)")"
	test -z "$$(dkms status intnet 2>/dev/null)" || dkms remove intnet/$(VERSION) --all

# DKMS builds from a copy of the sources in /usr/src/intnet-VERSION (see dkms.conf),
# for the running kernel now and for every kernel installed later (AUTOINSTALL).
dkms-install:
	-dkms remove intnet/$(VERSION) --all 2>/dev/null
	rm -rf /usr/src/intnet-$(VERSION)
	mkdir -p /usr/src/intnet-$(VERSION)/kmod /usr/src/intnet-$(VERSION)/include
	cp Kbuild dkms.conf /usr/src/intnet-$(VERSION)/
	cp kmod/*.[ch] kmod/Kbuild /usr/src/intnet-$(VERSION)/kmod/
	cp -r include/uapi /usr/src/intnet-$(VERSION)/include/
	dkms install intnet/$(VERSION)

dkms-uninstall:
	dkms remove intnet/$(VERSION) --all
	rm -rf /usr/src/intnet-$(VERSION)

clean:
	rm -rf $(BUILD) kmod/intnet.ko userland/intnetctl userland/intnet-qemu-helper \
		userland/intnet-nat

-include $(wildcard $(BUILD)/userland/*.d)
