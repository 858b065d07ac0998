#!/bin/sh
# Install the Debian packages perfguard builds and tests with, only those missing.
# Usage: sh tests/deps.sh [EXTRA_PACKAGE...]   (`make fuzz` adds clang, `make
# valgrind` valgrind)
set -e
PKGS="gcc make pkg-config libncurses-dev libsqlite3-dev libcjson-dev libgsl-dev
libcurl4-openssl-dev libssl-dev libcmocka-dev sqlite3 tmux python3 git procps chromium
libxml2-utils hyperfine libbenchmark-dev g++ python3-pytest-benchmark
python3-yaml yamllint libmosquitto-dev mosquitto mosquitto-clients
libmicrohttpd-dev curl $*"
missing=""
for p in $PKGS; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
