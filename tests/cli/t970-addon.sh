#!/bin/sh
# The Home Assistant add-on package (ha-addon/): config.yaml parsed with
# PyYAML and checked for the keys the Supervisor needs, yamllint; the
# Dockerfile checked by structure (a Docker build cannot run here): Debian
# bases, the packages the Makefile's pkg-config names need, known to apt,
# the run script copied and executable; run.sh run for real outside a
# container: it reads the options, serves the reports, runs the suite on
# start, and stops on SIGTERM.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/serve.inc"
ADDON=$(cd "$HERE/../../ha-addon" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

expect_success 'config.yaml: the keys the Supervisor reads, with sound values' '
	python3 - "$ADDON/config.yaml" <<PY
import re, sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
for k in ("name", "version", "slug", "description", "arch", "init", "homeassistant_api",
          "services", "ingress", "ingress_port", "panel_icon", "options", "schema", "map"):
    assert k in c, "missing " + k
assert isinstance(c["version"], str) and re.fullmatch(r"\d+\.\d+\.\d+", c["version"]), c["version"]
assert re.fullmatch(r"[a-z0-9_]+", c["slug"]), c["slug"]
assert sorted(c["arch"]) == ["aarch64", "amd64"], c["arch"]
assert c["init"] is False and c["homeassistant_api"] is True and c["ingress"] is True
assert c["services"] == ["mqtt:want"], c["services"]
assert c["ingress_port"] == 8099, c["ingress_port"]
assert re.fullmatch(r"mdi:[a-z0-9-]+", c["panel_icon"]), c["panel_icon"]
assert {"type": "share", "read_only": False} in c["map"], c["map"]
o, s = c["options"], c["schema"]
assert set(o) == set(s), (set(o) ^ set(s))
assert {"config", "homeassistant", "notify_min_severity"} <= set(o), set(o)
for k, t in s.items():  # every default fits its schema type
    v = o[k]
    if t == "str": assert isinstance(v, str) and v, k
    elif t == "bool": assert isinstance(v, bool), k
    elif t.startswith("int"):
        lo, hi = map(int, re.fullmatch(r"int\((\d+),(\d+)\)", t).groups())
        assert isinstance(v, int) and lo <= v <= hi, k
    elif t.startswith("list("):
        assert v in re.fullmatch(r"list\(([^)]*)\)", t).group(1).split("|"), k
    else: raise AssertionError("unknown schema type %s: %s" % (k, t))
assert o["config"].startswith("/share/"), o["config"]
PY
'

expect_success 'config.yaml passes yamllint' '
	yamllint -s "$ADDON/config.yaml"
'

expect_success 'the checks can fail: a config.yaml without init is caught' '
	grep -v "^init:" "$ADDON/config.yaml" >broken.yaml &&
	! python3 -c "import yaml, sys; c = yaml.safe_load(open(\"broken.yaml\")); assert c[\"init\"] is False"
'

expect_success 'Dockerfile: Debian bases, a build from source, run.sh copied and executable' '
	f="$ADDON/Dockerfile" &&
	test "$(grep -c "^FROM " "$f")" = 2 &&
	! grep "^FROM " "$f" | grep -qv "^FROM debian:bookworm-slim\b" &&
	! grep -q "BUILD_FROM" "$f" &&
	grep -q "^COPY perfguard-src.tar.gz " "$f" &&
	grep -q "make -C /src .*all" "$f" && grep -q "make -C /src .*install" "$f" &&
	grep -q "^COPY run.sh /run.sh$" "$f" &&
	grep -q "chmod 0755 /run.sh" "$f" &&
	grep -q "^CMD \[\"/run.sh\"\]$" "$f" &&
	grep -q "^COPY perfguard-wrapper.sh /usr/local/bin/perfguard$" "$f" &&
	test -x "$ADDON/run.sh" && test -x "$ADDON/perfguard-wrapper.sh" && test -x "$ADDON/pack.sh" &&
	head -1 "$ADDON/run.sh" | grep -q "^#!/bin/sh"
'

expect_success 'Dockerfile: the -dev package of every library the Makefile asks pkg-config for' '
	pkgs=$(sed -n "s/^PKGS *:= *//p" "$ROOT/Makefile") && test -n "$pkgs" &&
	for p in $pkgs; do
		case $p in
		ncursesw) d=libncurses-dev r=libncursesw6 ;;
		sqlite3) d=libsqlite3-dev r=libsqlite3-0 ;;
		libcjson) d=libcjson-dev r=libcjson1 ;;
		gsl) d=libgsl-dev r=libgsl27 ;;
		libcurl) d=libcurl4-openssl-dev r=libcurl4 ;;
		libcrypto) d=libssl-dev r=libssl3 ;;
		libmicrohttpd) d=libmicrohttpd-dev r=libmicrohttpd12 ;;
		libmosquitto) d=libmosquitto-dev r=libmosquitto1 ;;
		*) echo "no Debian package known for $p: add it here and to the Dockerfile"; exit 1 ;;
		esac
		grep -qw -- "$d" "$ADDON/Dockerfile" || { echo "missing $d"; exit 1; }
		grep -qw -- "$r" "$ADDON/Dockerfile" || { echo "missing $r"; exit 1; }
	done &&
	grep -qw jq "$ADDON/Dockerfile"
'

expect_success 'Dockerfile: every package it installs is known to apt (Debian 12)' '
	if ! apt-cache show libc6 >/dev/null 2>&1; then echo "no apt lists: skipped"; exit 0; fi
	sed -n "/apt-get install/,/rm -rf/p" "$ADDON/Dockerfile" | tr " \\\\" "\n\n" |
		grep -E "^[a-z0-9][a-z0-9.+-]+$" | grep -vxE "apt-get|install|rm|-rf|&&" | sort -u >pkgs &&
	test "$(wc -l <pkgs)" -ge 15 &&
	while read -r p; do
		apt-cache show --no-all-versions "$p" >/dev/null 2>&1 || { echo "unknown package $p"; exit 1; }
	done <pkgs
'

expect_success 'the add-on'"'"'s scripts pass shellcheck (when installed)' '
	if ! command -v shellcheck >/dev/null; then echo "no shellcheck: skipped"; exit 0; fi
	shellcheck "$ADDON/run.sh" "$ADDON/perfguard-wrapper.sh" "$ADDON/pack.sh"
'

# A one-benchmark suite and the add-on's options for it.
cat > val.sh <<'SH'
printf "v 10\n" > "$PERFGUARD_METRICS"
SH
cat > perfguard.json <<'JSON'
{"suite": "addon", "defaults": {"runs": 3, "warmup": 0}, "components": [{"name": "app",
 "benchmarks": [{"name": "parse", "type": "custom", "metric": "v", "unit": "ms",
 "direction": "lower", "command": ["sh", "val.sh"]}]}]}
JSON
mkdir data

# addon_start HA: run.sh with the options (homeassistant HA) on a free port.
addon_start() {
	port=$(python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])")
	echo "$port" >addon.port
	printf '{"config": "%s/perfguard.json", "run_on_start": true, "run_interval_minutes": 0, "homeassistant": %s, "notify_min_severity": "critical"}\n' \
		"$WORK" "$1" >data/options.json
	PERFGUARD_ADDON_OPTIONS=$WORK/data/options.json PERFGUARD_ADDON_DATA=$WORK/data \
	PERFGUARD_ADDON_ENV=$WORK/data/perfguard.env PERFGUARD_ADDON_PORT=$port \
	PERFGUARD_ADDON_BIND=127.0.0.1 PERFGUARD_ADDON_ALLOW=127.0.0.1 \
		sh "$ADDON/run.sh" >addon.out 2>addon.err </dev/null &
	echo $! >addon.pid
}

expect_success 'run.sh: serves the reports, runs the suite on start, stops on SIGTERM' '
	addon_start false &&
	i=0 && code=000 &&
	while [ "$code" != 200 ] && [ $i -lt 600 ]; do
		sleep 0.2; i=$((i + 1))
		code=$(curl -s -o page.html -w "%{http_code}" --max-time 30 "http://127.0.0.1:$(cat addon.port)/" || true)
	done &&
	test "$code" = 200 && expect_contains page.html "perfguard report: addon" &&
	test -s data/perfguard.db &&
	expect_contains data/perfguard.env "PERFGUARD_CONFIG=$WORK/perfguard.json" &&
	expect_contains data/perfguard.env "PERFGUARD_DB=$WORK/data/perfguard.db" &&
	test ! -e .perfguard-addon.json &&
	pid=$(cat addon.pid) && kill -TERM "$pid" &&
	i=0 && while kill -0 "$pid" 2>/dev/null && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done &&
	! kill -0 "$pid" 2>/dev/null &&
	expect_contains addon.err "stopping" &&
	! curl -s --max-time 5 "http://127.0.0.1:$(cat addon.port)/" >/dev/null
'

expect_success 'run.sh: Home Assistant on: a copy of the config beside it with its settings' '
	addon_start true
	i=0; while [ ! -s .perfguard-addon.json ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	kill -TERM "$(cat addon.pid)" 2>/dev/null || true
	python3 -c "
import json
a, b = json.load(open(\".perfguard-addon.json\")), json.load(open(\"perfguard.json\"))
assert a.pop(\"homeassistant\") == {\"min_severity\": \"critical\"}
assert a == b
"
	expect_contains data/perfguard.env "PERFGUARD_CONFIG=$WORK/.perfguard-addon.json"
	i=0; while kill -0 "$(cat addon.pid)" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	! kill -0 "$(cat addon.pid)" 2>/dev/null
'

expect_success 'run.sh: a config with a homeassistant key of its own is used as it is' '
	python3 -c "
import json
c = json.load(open(\"perfguard.json\")); c[\"homeassistant\"] = {\"min_severity\": \"minor\"}
json.dump(c, open(\"own.json\", \"w\"))"
	rm -f .perfguard-addon.json data/perfguard.env
	sed "s|/perfguard.json|/own.json|" data/options.json >o.json
	mv o.json data/options.json
	PERFGUARD_ADDON_OPTIONS=$WORK/data/options.json PERFGUARD_ADDON_DATA=$WORK/data \
	PERFGUARD_ADDON_ENV=$WORK/data/perfguard.env PERFGUARD_ADDON_PORT=$(cat addon.port) \
	PERFGUARD_ADDON_BIND=127.0.0.1 PERFGUARD_ADDON_ALLOW=127.0.0.1 \
		sh "$ADDON/run.sh" >own.out 2>own.err </dev/null &
	pid=$!
	i=0; while [ ! -s data/perfguard.env ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	kill -TERM $pid 2>/dev/null || true
	wait $pid || true
	expect_contains data/perfguard.env "PERFGUARD_CONFIG=$WORK/own.json"
	test ! -e .perfguard-addon.json
'

expect_success 'run.sh: unreadable options or a bad interval exit 2' '
	rc=0; PERFGUARD_ADDON_OPTIONS=$WORK/none.json sh "$ADDON/run.sh" 2>err || rc=$?
	test $rc = 2
	expect_contains err "cannot read"
	echo "{\"config\": \"x\", \"run_interval_minutes\": \"-5\"}" >bad.json
	rc=0; PERFGUARD_ADDON_OPTIONS=$WORK/bad.json sh "$ADDON/run.sh" 2>err || rc=$?
	test $rc = 2
	expect_contains err "run_interval_minutes"
'

expect_success 'the wrapper gives perfguard in the container the add-on'"'"'s config and database' '
	sed "s|/opt/perfguard/bin/perfguard|$PERFGUARD|; s|/run/perfguard.env|$WORK/data/perfguard.env|g" \
		"$ADDON/perfguard-wrapper.sh" >wrapper.sh
	printf "PERFGUARD_CONFIG=%s\nPERFGUARD_DB=%s\n" "$WORK/perfguard.json" "$WORK/data/perfguard.db" \
		>data/perfguard.env
	(cd / && sh "$WORK/wrapper.sh" history app/parse --json) >hist.json
	python3 -c "import json; h = json.load(open(\"hist.json\")); assert len(h) >= 1, h"
	(cd / && sh "$WORK/wrapper.sh" report --format json -o "$WORK/r.json")
	test -s r.json
	# A variable set by the caller wins: no database there.
	rc=0; (cd / && PERFGUARD_DB=$WORK/none.db sh "$WORK/wrapper.sh" report -o "$WORK/x.html") 2>err || rc=$?
	test $rc = 2
	expect_contains err "none.db"
'

finish
