# Makefile -- the one build entry point for hawatch.
#
#   make            build build/hawatch
#   make check      install missing Debian packages, build, run unit tests
#                   (plain and under ASan+UBSan) and the integration tests
#                   against real servers started on loopback
#   make config-golden  config-check --dump against tests/config/*.expect
#                   (part of make unit; make bless-config regenerates)
#   make demo       run hawatch against a built-in simulated cluster
#   make chaos      randomized fault scenarios (STEPS=, SEED=)
#   make bench      benchmark figures (not timed tests)
#   make structure  structure rules of docs/design.md: no call or include
#                   cycle between files, no .c over 600 lines, no function
#                   over 80 (scripts/structure.py, self-test tests/structure)
#   make model      model-check the protocol with spin (docs/model/)
#   make scenarios  the stories of tests/scenarios/ (part of make unit)
#   make mutants    flip each named guard, check a story catches it
#   make prom-lint  Prometheus rules (promtool check/test rules) and the
#                   Grafana dashboard in docs/prometheus/
#   make install    install binary, unit file and example config
#
# Sources are discovered: every .c in src/ (and its layer folders core/,
# db/, cmd/), fence/ and reconcile/ except
# src/main.c goes into one static library that the binary, the unit tests
# (tests/unit/check_*.c) and the integration probes link: one binary per
# tests/itest/NAME.c, and one per folder tests/itest/NAME/ built from all
# its .c files (the HA-worker fixture, tests/itest/haworker/).

PKGS      := mysqlclient libconfig libnfs libfreeipmi libipmiconsole libvirt libsystemd libcrypto jansson libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

CC      ?= cc
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(CFLAGS) $(WARN) -D_GNU_SOURCE -pthread \
           -Isrc -Isrc/core -Isrc/db -Isrc/cmd -Ifence -Ireconcile $(PKG_CFLAGS) \
           $(CPPFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined

LIB_SRCS  := $(filter-out src/main.c,$(wildcard src/*.c src/*/*.c fence/*.c reconcile/*.c))
HDRS      := $(wildcard src/*.h src/*/*.h fence/*.h reconcile/*.h)
UNIT_SRCS := $(wildcard tests/unit/check_*.c)
UNIT_HDRS := $(wildcard tests/unit/*.h)
ITEST_SRCS := $(wildcard tests/itest/*.c)
ITEST_DIRS := $(patsubst %/,%,$(wildcard tests/itest/*/))

B  := build
BS := build-san

LIB_OBJS      := $(LIB_SRCS:%.c=$(B)/obj/%.o)
LIB_OBJS_SAN  := $(LIB_SRCS:%.c=$(BS)/obj/%.o)
UNIT_BINS     := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
UNIT_BINS_SAN := $(UNIT_SRCS:tests/unit/%.c=$(BS)/tests/%)
ITEST_BINS    := $(ITEST_SRCS:tests/itest/%.c=$(B)/itest/%) \
                 $(ITEST_DIRS:tests/itest/%=$(B)/itest/%)

PREFIX ?= /usr/local

.PHONY: all deps check unit unit-san integration demo demo-seed chaos bench install \
        clean scenarios bless valgrind structure man-lint prom-lint deb package-test \
        config-golden bless-config
.DELETE_ON_ERROR:

all: $(B)/hawatch $(ITEST_BINS)

deps:
	@./scripts/deps.sh

$(B)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# libnfs's headers carry no version: version.c gets pkg-config's
$(B)/obj/src/version.o $(BS)/obj/src/version.o: ALL_CFLAGS += \
    -DHAWATCH_LIBNFS_VERSION='"$(shell pkg-config --modversion libnfs 2>/dev/null)"'

$(BS)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/libhawatch.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BS)/libhawatch.a: $(LIB_OBJS_SAN)
	@rm -f $@
	ar rcs $@ $^

$(B)/hawatch: $(B)/obj/src/main.o $(B)/libhawatch.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(B)/tests/%: tests/unit/%.c $(B)/libhawatch.a $(HDRS) $(UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -o $@ $< $(B)/libhawatch.a \
	    $(PKG_LIBS) $(CHECK_LIBS) -lm

$(BS)/tests/%: tests/unit/%.c $(BS)/libhawatch.a $(HDRS) $(UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(CHECK_CFLAGS) -o $@ $< \
	    $(BS)/libhawatch.a $(PKG_LIBS) $(CHECK_LIBS) -lm

$(B)/itest/%: tests/itest/%.c $(B)/libhawatch.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libhawatch.a $(PKG_LIBS) -lm

# tests/itest/NAME/*.c -> build/itest/NAME
define ITEST_DIR_RULE
$(B)/itest/$(notdir $(1)): $(wildcard $(1)/*.c $(1)/*.h) $(B)/libhawatch.a $(HDRS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ALL_CFLAGS) -I$(1) -o $$@ $(wildcard $(1)/*.c) \
	    $$(B)/libhawatch.a $$(PKG_LIBS) -lm
endef
$(foreach d,$(ITEST_DIRS),$(eval $(call ITEST_DIR_RULE,$(d))))

unit: $(UNIT_BINS) $(B)/hawatch
	@HAWATCH_TOP=$(CURDIR) ./tests/run-unit.sh $(UNIT_BINS)
	@./tests/config/run.sh $(B)/hawatch

# config-check --dump against tests/config/*.expect; after reviewing a
# change in the dump: make bless-config
config-golden: $(B)/hawatch
	@./tests/config/run.sh $(B)/hawatch

bless-config: $(B)/hawatch
	@BLESS=1 ./tests/config/run.sh $(B)/hawatch

unit-san: $(UNIT_BINS_SAN)
	@HAWATCH_TOP=$(CURDIR) ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 ./tests/run-unit.sh $(UNIT_BINS_SAN)

integration: all
	@./tests/integration/run.sh

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory structure || [ "$(STRUCTURE)" = warn ]
	@$(MAKE) --no-print-directory man-lint
	@$(MAKE) --no-print-directory prom-lint
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-san
	@$(MAKE) --no-print-directory model
	@$(MAKE) --no-print-directory package-test
	@$(MAKE) --no-print-directory integration

# `make check` fails on a structure violation (STRUCTURE=enforce, the default);
# STRUCTURE=warn only prints them.  `make structure` always fails on one.
STRUCTURE ?= enforce

structure: $(LIB_OBJS) $(B)/obj/src/main.o
	@./tests/structure/run.sh
	@python3 scripts/structure.py

# spin model of the fence -> reconcile -> restart protocol (docs/model/)
.PHONY: model model-bad
model:
	@./docs/model/check.sh good

# the known-bad variant: succeeds when spin finds its counterexample
model-bad:
	@./docs/model/check.sh bad

# the stories of tests/scenarios/, one runner per layer (core, reconcile,
# restart, sweep, act); they are also part of make unit
STORY_BINS := $(B)/tests/check_scenarios $(B)/tests/check_story_reconcile \
              $(B)/tests/check_story_restart $(B)/tests/check_story_sweep \
              $(B)/tests/check_story_act
scenarios: $(STORY_BINS)
	@HAWATCH_TOP=$(CURDIR) ./tests/run-unit.sh $(STORY_BINS)

# after reviewing build/scenarios/<name>/actual: make bless SCEN=fencing-012
bless: $(STORY_BINS)
	@for t in $(STORY_BINS); do HAWATCH_TOP=$(CURDIR) BLESS=1 \
	    SCEN=$(SCEN) $$t || exit 1; done

# flip each named guard in turn (tests/mutants/guards) and run the
# stories: every guard must make one fail (not part of make check)
.PHONY: mutants
mutants: $(B)/libhawatch.a
	@MUT_CC="$(CC)" MUT_CFLAGS="$(ALL_CFLAGS) $(CHECK_CFLAGS)" \
	 MUT_LIBS="$(PKG_LIBS) $(CHECK_LIBS) -lm" \
	 python3 scripts/mutants.py $(if $(ONLY),--only $(ONLY))

valgrind: $(UNIT_BINS) all
	@HAWATCH_TOP=$(CURDIR) ./tests/run-valgrind.sh $(UNIT_BINS)

demo: deps
	@$(MAKE) --no-print-directory all
	@./tests/sim/demo.sh

# the seed bug (#12922) and its repair by `hawatch reconcile`, on MariaDB alone
demo-seed: deps
	@$(MAKE) --no-print-directory all
	@./tests/sim/demo-seed.sh

chaos: deps
	@$(MAKE) --no-print-directory all
	@./tests/chaos/run.sh $(if $(STEPS),--steps $(STEPS)) $(if $(SEED),--seed $(SEED))

bench: deps
	@$(MAKE) --no-print-directory all
	@./bench/run.sh

install: $(B)/hawatch
	install -D -m 0755 $(B)/hawatch $(DESTDIR)$(PREFIX)/sbin/hawatch
	@mkdir -p $(DESTDIR)/lib/systemd/system
	sed 's|/usr/local/|$(PREFIX)/|g' init/hawatch.service \
	    >$(DESTDIR)/lib/systemd/system/hawatch.service
	chmod 0644 $(DESTDIR)/lib/systemd/system/hawatch.service
	install -D -m 0600 config/hawatch.conf \
	    $(DESTDIR)/etc/hawatch/hawatch.conf.example
	install -D -m 0644 docs/hawatch.8 \
	    $(DESTDIR)$(PREFIX)/share/man/man8/hawatch.8
	install -D -m 0644 docs/hawatch.conf.5 \
	    $(DESTDIR)$(PREFIX)/share/man/man5/hawatch.conf.5

# man pages: mandoc's warnings and errors fail (style notes do not)
MANPAGES := docs/hawatch.8 docs/hawatch.conf.5
man-lint:
	mandoc -Tlint -Wwarning $(MANPAGES)

# alerting rules and dashboard: docs/prometheus/ (scripts/prom-lint.sh)
prom-lint:
	@./scripts/prom-lint.sh

# Debian package into build/ (DEB_BUILD_OPTIONS=nocheck skips its tests);
# built in a copy under build/deb so nothing is written outside the repo
deb:
	@./scripts/make-deb.sh

# build the package, install it here, check it, remove and purge it
package-test:
	@./tests/package/run.sh

clean:
	rm -rf $(B) $(BS)
