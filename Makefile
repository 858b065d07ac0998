# perfguard: build, test, install. `make help` lists the targets.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/perfguard

BUILD   ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
PKG_CONFIG ?= pkg-config

PKGS     := ncursesw sqlite3 libcjson gsl libcurl
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARN     := -Wall -Wextra -Wpedantic -Wshadow
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) -Iinclude $(PKG_CFLAGS) \
	-DPFG_DATADIR='"$(DATADIR)"' -MMD -MP $(CFLAGS)
LIBS     := $(PKG_LIBS) -lpthread -lm

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
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
BIN      := $(BUILD)/perfguard
TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRCS := $(sort $(wildcard bench/*/*.c))
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps check asan test-bins install uninstall demo clean help bench valgrind

all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS) $(CMOCKA_LIBS)

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  BENCH   $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

test-bins: $(BIN) $(TEST_BINS)

# Install the Debian packages the build and the tests need (a no-op when present).
deps:
	$(Q)sh tests/deps.sh

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

# The unit tests under valgrind memcheck.
valgrind: test-bins
	$(Q)for t in $(TEST_BINS); do \
		valgrind -q --error-exitcode=9 --leak-check=full $$t || exit 1; done

# Benchmarks of perfguard itself (measure; they do not assert times).
bench: $(BIN) $(BENCH_BINS)
	$(Q)for b in bench/*/run.sh; do sh $$b $(BUILD) || exit 1; done

# A demo workspace from examples/, run and shown.
demo: deps $(BIN)
	$(Q)sh examples/demo.sh $(BUILD)/perfguard

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/themes
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/perfguard
	install -m 0644 man/perfguard.1 $(DESTDIR)$(MANDIR)/man1/perfguard.1
	install -m 0644 man/perfguard.json.5 $(DESTDIR)$(MANDIR)/man5/perfguard.json.5
	for t in themes/*.theme; do [ -e "$$t" ] || continue; \
		install -m 0644 "$$t" $(DESTDIR)$(DATADIR)/themes/; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/perfguard $(DESTDIR)$(MANDIR)/man1/perfguard.1 \
		$(DESTDIR)$(MANDIR)/man5/perfguard.json.5
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
	@echo "make install    install under PREFIX (DESTDIR honoured)"
	@echo "V=1 shows full command lines."

-include $(OBJS:.o=.d) $(MAIN_OBJ:.o=.d)
