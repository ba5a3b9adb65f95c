# mmlens: top-level build. See README.md.
#   make                 module for KDIR (default: the running kernel) + tool
#   make KDIR=/lib/modules/<release>/build   another kernel
#   make MMLENS_WERROR=1 warnings are errors (as make check builds)
#   make check           everything: deps, builds, sparse, checkpatch, dkms,
#                        the QEMU matrix; ends with "N passed, N failed"
#   make demo            boot the default kernel in QEMU, show the reports
#   make bench           walker and vbuf timings next to the kernel's own
#   make lockhold        zone->lock hold times on the debug kernel (in bench)
#   make test-tool       the mmlens tool's host tests (no QEMU)
#   make test-prom       mmlens export through node_exporter and Prometheus
#   make sparse          sparse (C=2) against both Debian kernels (and the
#                        debug kernel once built, for kunit/)
#   make install         modules_install (extra/) + the tool + the systemd
#                        units (install-systemd; not enabled)
#   make deb [OUT=DIR]   packages mmlens-dkms and mmlens in .build/deb (DIR)
# KVER: the kernel release whose headers "make" builds against (the
# running one; scripts/userbuild-test.sh sets one that has none).
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr/local
# systemd reads units from /usr/local/lib/systemd/system too; the Debian
# package (scripts/deb/) sets /lib/systemd/system, bookworm's place.
SYSTEMD_UNITDIR ?= $(PREFIX)/lib/systemd/system

.PHONY: all module tool clean check demo sparse checkpatch install deps bench \
	lockhold test-tool test-prom install-systemd deb

all: module tool

# One line saying what is missing, not kbuild's errors from a missing
# tree: the headers of the running kernel (Debian's package name), or the
# KDIR given. Expanded only when a target needs the kernel tree.
ifeq ($(origin KDIR),file)
kdir-missing = no headers for $(if $(filter file,$(origin KVER)),the running kernel )$(KVER) ($(KDIR) missing): install linux-headers-$(KVER)
else
kdir-missing = KDIR=$(KDIR): no kernel build tree there ($(KDIR)/Makefile missing)
endif
need-kdir = $(if $(wildcard $(KDIR)/Makefile),,$(error $(kdir-missing)))

module:
	$(need-kdir)
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

tool:
	$(MAKE) -C userspace

# Unit, golden, JSON, exit-code and tmux tests of userspace/mmlens.
test-tool:
	bash scripts/deps.sh
	bash scripts/test-tool.sh

# mmlens export, the rules file, node_exporter and Prometheus on 127.0.0.1.
test-prom:
	bash scripts/deps.sh
	bash scripts/prom-test.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	rm -rf .build

deps:
	bash scripts/deps.sh

check:
	bash scripts/check.sh

demo:
	bash scripts/demo.sh

# Speed, not correctness: ratios measured side by side in one VM run.
bench:
	bash scripts/bench.sh

# Only the debug kernel's zone->lock hold times (a part of make bench).
lockhold:
	MMLENS_BENCH_CELLS=debug6.12-2node-5lvl:lockhold bash scripts/bench.sh

# Debian packages from scripts/deb/ (docs/packaging.md).
deb:
	bash scripts/deps.sh
	bash scripts/deb.sh $(OUT)

sparse:
	bash scripts/deps.sh
	bash scripts/sparse.sh

checkpatch:
	bash scripts/deps.sh
	bash scripts/checkpatch.sh

# Debian's headers carry no signing key, so modules_install must not try
# to sign (that fails and installs nothing); sign through DKMS/MOK instead.
# depmod needs System.map, which headers lack: run it for the release.
install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra \
		CONFIG_MODULE_SIG_ALL= modules_install
	$(if $(INSTALL_MOD_PATH),,depmod -a $(shell $(MAKE) -s -C $(KDIR) kernelrelease))
	$(MAKE) -C userspace PREFIX=$(PREFIX) install
	$(MAKE) install-systemd

# mmlens-export.service/.timer (userspace/systemd/), pointed at the tool
# where PREFIX put it; installed, not enabled (README: Install from packages).
install-systemd:
	install -d $(DESTDIR)$(SYSTEMD_UNITDIR)
	sed 's|/usr/bin/mmlens|$(PREFIX)/bin/mmlens|' \
		userspace/systemd/mmlens-export.service \
		> $(DESTDIR)$(SYSTEMD_UNITDIR)/mmlens-export.service
	install -m 0644 userspace/systemd/mmlens-export.timer \
		$(DESTDIR)$(SYSTEMD_UNITDIR)/mmlens-export.timer
	chmod 0644 $(DESTDIR)$(SYSTEMD_UNITDIR)/mmlens-export.service
