# perfguard: build, test, install. `make help` lists the targets.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/perfguard

BUILD   ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
PKG_CONFIG ?= pkg-config

PKGS     := ncursesw sqlite3 libcjson gsl libcurl libcrypto libmosquitto libmicrohttpd

# The flags of the packages are asked of pkg-config when a recipe first
# needs them, not when this file is read: a build that runs after `make
# deps` in the same make sees the packages deps has just installed.
# pkg_once(VAR,ARGS) runs `pkg-config ARGS` once and keeps the answer in VAR.
pkg_once = $(eval $(1) := $$(shell $$(PKG_CONFIG) $(2) 2>/dev/null))$($(1))
PKG_CFLAGS  = $(call pkg_once,PKG_CFLAGS,--cflags $(PKGS))
PKG_LIBS    = $(call pkg_once,PKG_LIBS,--libs $(PKGS))
CMOCKA_LIBS = $(call pkg_once,CMOCKA_LIBS,--libs cmocka)

WARN     := -Wall -Wextra -Wpedantic -Wshadow
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) -Iinclude $(PKG_CFLAGS) \
	-DPFG_DATADIR='"$(DATADIR)"' -MMD -MP $(CFLAGS)
LIBS      = $(PKG_LIBS) -lpthread -lm

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# FUZZ=1 (with CC=clang): the library instrumented for libFuzzer (`make fuzz`).
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
ifeq ($(FUZZ),1)
ALL_CFLAGS += -fsanitize=fuzzer-no-link $(FUZZ_SAN) -fno-omit-frame-pointer
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

SRCS     := $(sort $(wildcard src/*/*.c))
OBJS     := $(SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/main.o
LIB      := $(BUILD)/libperfguard.a
# The shared library (the C API, perfguard(3)): its own position-independent
# objects; the soname's number changes when the ABI of perfguard/api.h does.
VERSION  := $(shell sed -n 's/^\#define PFG_VERSION "\(.*\)"/\1/p' include/perfguard/util.h)
SO_MAJOR := 0
SONAME   := libperfguard.so.$(SO_MAJOR)
SHLIB    := $(BUILD)/libperfguard.so.$(VERSION)
PIC_OBJS := $(SRCS:%.c=$(BUILD)/pic/%.o)
BIN      := $(BUILD)/perfguard
TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRCS := $(sort $(wildcard bench/*/*.c))
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/bin/%)
FUZZ_DIR  := build/fuzz
FUZZ_TIME ?= 20
FUZZ_TARGETS ?= $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)

# `make deps`, also run by the targets below; DEPS_CMD=... replaces it
# (tests/cli/t010-build.sh does). Extra Debian packages go after it. The
# targets that build after deps do so in a second make, which then finds the
# packages deps has just installed.
DEPS_CMD ?= sh tests/deps.sh

.PHONY: lib $(BUILD)/perfguard.pc all deps fuzz-deps pkg-check pkg-check-tests check asan test-bins \
	bench-bins fuzz-bins install uninstall demo clean help bench valgrind fuzz

all: $(BIN)

# Stop before compiling when pkg-config cannot find a package the build
# needs, naming them all, rather than fail later with link errors.
pkg_require = @command -v $(PKG_CONFIG) >/dev/null 2>&1 || { \
	echo "perfguard: $(PKG_CONFIG) not found; run \`make deps\` to install it" >&2; \
	exit 1; }; \
	missing=""; for p in $(1); do \
		$(PKG_CONFIG) --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	[ -z "$$missing" ] || { echo "perfguard: pkg-config cannot find:$$missing;\
	 run \`make deps\` to install the Debian packages that provide them" >&2; \
	exit 1; }

pkg-check:
	$(call pkg_require,$(PKGS))

pkg-check-tests:
	$(call pkg_require,cmocka)

$(BUILD)/%.o: %.c | pkg-check
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/pic/%.o: %.c | pkg-check
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC -fPIC $<")
	$(Q)$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

$(SHLIB): $(PIC_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(LIBS)

# perfguard.pc for `pkg-config --cflags --libs perfguard`, written anew each
# time (PREFIX may differ).
$(BUILD)/perfguard.pc: Makefile
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCLUDEDIR)' '' \
		'Name: perfguard' 'Description: in-process benchmarks analysed by perfguard' \
		'Version: $(VERSION)' 'Requires.private: $(PKGS)' \
		'Libs: -L$${libdir} -lperfguard' 'Libs.private: -lpthread -lm' \
		'Cflags: -I$${includedir}' >$@

# The C API: libperfguard.a, libperfguard.so and perfguard.pc.
lib: $(LIB) $(SHLIB) $(BUILD)/perfguard.pc

$(BIN): $(MAIN_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB) | pkg-check-tests
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS) $(CMOCKA_LIBS)

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  BENCH   $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(BUILD)/bin/fuzz_%: tests/fuzz/fuzz_%.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

test-bins: $(BIN) $(TEST_BINS)
bench-bins: $(BIN) $(BENCH_BINS)
fuzz-bins: $(FUZZ_BINS)

# Install the Debian packages the build and the tests need (a no-op when present).
deps:
	$(Q)$(DEPS_CMD)

# The same, and clang with its libFuzzer runtime, for `make fuzz` only.
fuzz-deps:
	$(Q)$(DEPS_CMD) clang libclang-rt-dev

# Build everything and run every unit and end-to-end test.
check: deps
	$(Q)$(MAKE) --no-print-directory test-bins
	$(Q)sh tests/run.sh $(BUILD)

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 test-bins
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	sh tests/run.sh build/asan

# The unit tests under valgrind memcheck: every one, then the list of failures.
valgrind:
	$(Q)$(DEPS_CMD) valgrind
	$(Q)$(MAKE) --no-print-directory test-bins
	$(Q)failed=""; for t in $(TEST_BINS); do \
		echo "== valgrind $$t"; \
		valgrind -q --error-exitcode=9 --leak-check=full $$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "valgrind: failed:$$failed"; exit 1; fi; \
	echo "valgrind: all $(words $(TEST_BINS)) unit test binaries passed"

# Benchmarks of perfguard itself (measure; they do not assert times).
bench: deps
	$(Q)$(MAKE) --no-print-directory bench-bins
	$(Q)failed=""; for b in bench/*/run.sh; do \
		sh $$b $(BUILD) || failed="$$failed $$b"; done; \
	if [ -n "$$failed" ]; then echo "bench: failed:$$failed"; exit 1; fi

# libFuzzer targets (tests/fuzz/fuzz_NAME.c), FUZZ_TIME seconds each, on a
# copy of tests/fuzz/corpus/NAME in build/fuzz; fails on any crash.
fuzz: fuzz-deps
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_DIR) CC=clang FUZZ=1 CFLAGS='-O1 -g' \
		LDFLAGS='$(FUZZ_SAN)' fuzz-bins
	$(Q)FUZZ_TIME='$(FUZZ_TIME)' sh tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_TARGETS)

# A demo workspace from examples/, run and shown.
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh examples/demo.sh $(BUILD)/perfguard

install: $(BIN) lib
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/themes \
		$(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/perfguard
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/perfguard
	install -m 0644 $(LIB) $(DESTDIR)$(LIBDIR)/libperfguard.a
	install -m 0755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libperfguard.so
	install -m 0644 $(BUILD)/perfguard.pc $(DESTDIR)$(LIBDIR)/pkgconfig/perfguard.pc
	install -m 0644 include/perfguard/api.h $(DESTDIR)$(INCLUDEDIR)/perfguard/api.h
	install -m 0644 man/perfguard.3 $(DESTDIR)$(MANDIR)/man3/perfguard.3
	install -m 0644 man/perfguard.1 $(DESTDIR)$(MANDIR)/man1/perfguard.1
	install -m 0644 man/perfguard.json.5 $(DESTDIR)$(MANDIR)/man5/perfguard.json.5
	install -m 0644 man/perfguard-report.5 $(DESTDIR)$(MANDIR)/man5/perfguard-report.5
	for t in themes/*.theme; do [ -e "$$t" ] || continue; \
		install -m 0644 "$$t" $(DESTDIR)$(DATADIR)/themes/; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/perfguard $(DESTDIR)$(MANDIR)/man1/perfguard.1 \
		$(DESTDIR)$(MANDIR)/man5/perfguard.json.5 \
		$(DESTDIR)$(MANDIR)/man5/perfguard-report.5 $(DESTDIR)$(MANDIR)/man3/perfguard.3 \
		$(DESTDIR)$(LIBDIR)/libperfguard.* $(DESTDIR)$(LIBDIR)/pkgconfig/perfguard.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/perfguard
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(BUILD) build

help:
	@echo "make            build build/perfguard"
	@echo "make deps       install the Debian packages needed (apt-get, when missing)"
	@echo "make check      build and run every unit and end-to-end test"
	@echo "make asan       the same tests with ASan and UBSan"
	@echo "make valgrind   the unit tests under valgrind"
	@echo "make demo       run the example suite and show the results"
	@echo "make bench      benchmarks of perfguard itself"
	@echo "make fuzz       libFuzzer targets, FUZZ_TIME=20 s each (FUZZ_TARGETS=...)"
	@echo "make lib        libperfguard.a, libperfguard.so and perfguard.pc (the C API)"
	@echo "make install    install under PREFIX (DESTDIR honoured)"
	@echo "V=1 shows full command lines."

-include $(OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(FUZZ_BINS:=.d) $(PIC_OBJS:.o=.d)
