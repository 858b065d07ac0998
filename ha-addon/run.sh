#!/bin/sh
# run.sh: the add-on's entry point (PID 1; config.yaml has init: false).
# Reads the add-on's options, serves the reports for ingress, runs the
# suite on start and every run_interval_minutes when asked, and stops
# everything on SIGTERM (the Supervisor's stop) or SIGINT.
#
# For tests outside a container: PERFGUARD_ADDON_OPTIONS (default
# /data/options.json), PERFGUARD_ADDON_DATA (default /data), PERFGUARD_ADDON_ENV
# (default /run/perfguard.env), PERFGUARD_ADDON_PORT (default 8099),
# PERFGUARD_ADDON_BIND (default 0.0.0.0) and PERFGUARD_ADDON_ALLOW (default
# 172.30.32.2, the ingress proxy) replace the add-on's fixed places.
set -eu
OPTIONS=${PERFGUARD_ADDON_OPTIONS:-/data/options.json}
DATA=${PERFGUARD_ADDON_DATA:-/data}
ENV_FILE=${PERFGUARD_ADDON_ENV:-/run/perfguard.env}
PORT=${PERFGUARD_ADDON_PORT:-8099}
BIND=${PERFGUARD_ADDON_BIND:-0.0.0.0}
ALLOW=${PERFGUARD_ADDON_ALLOW:-172.30.32.2}
PERFGUARD=${PERFGUARD:-perfguard}

log() { echo "[perfguard add-on] $*" >&2; }

option() { jq -r --arg k "$1" '.[$k] // empty' "$OPTIONS"; }

[ -r "$OPTIONS" ] || { log "cannot read $OPTIONS"; exit 2; }
config=$(option config)
interval=$(option run_interval_minutes)
on_start=$(option run_on_start)
ha=$(option homeassistant)
severity=$(option notify_min_severity)
interval=${interval:-0}
case "$interval" in *[!0-9]*) log "run_interval_minutes: expected minutes, got '$interval'"; exit 2 ;; esac
[ -n "$config" ] || { log "the option 'config' is empty"; exit 2; }

# A suite's config: the operator's file, with Home Assistant's entities and
# notifications added when asked and the file does not set its own. The
# copy lives beside the original, so that its relative paths hold.
if [ ! -r "$config" ]; then
	log "no config at $config: write one (perfguard init writes an example), then restart"
	log "serving the reports of $DATA/perfguard.db meanwhile"
	use=$config
elif [ "$ha" = true ] && [ "$(jq 'has("homeassistant")' "$config")" = false ]; then
	use="$(dirname "$config")/.perfguard-addon.json"
	jq --arg sev "${severity:-major}" '. + {homeassistant: {min_severity: $sev}}' "$config" \
		>"$use.tmp"
	mv "$use.tmp" "$use"
	log "Home Assistant entities and notifications (min_severity ${severity:-major}): $use"
else
	use=$config
fi
export PERFGUARD_CONFIG="$use"
export PERFGUARD_DB="$DATA/perfguard.db"
printf 'PERFGUARD_CONFIG=%s\nPERFGUARD_DB=%s\n' "$PERFGUARD_CONFIG" "$PERFGUARD_DB" >"$ENV_FILE"

serve_pid="" loop_pid=""
# shellcheck disable=SC2317 # called by the trap
stop() {
	log "stopping"
	[ -z "$loop_pid" ] || kill "$loop_pid" 2>/dev/null || true
	[ -z "$serve_pid" ] || kill -TERM "$serve_pid" 2>/dev/null || true
	[ -z "$serve_pid" ] || wait "$serve_pid" 2>/dev/null || true
	exit 0
}
trap stop TERM INT

"$PERFGUARD" serve --bind "$BIND" --port "$PORT" --allow "$ALLOW" &
serve_pid=$!

# One run of the suite; a failed run is logged, never fatal.
run_suite() {
	[ -r "$PERFGUARD_CONFIG" ] || return 0
	"$PERFGUARD" run || log "perfguard run exited $?"
}

if [ "$on_start" = true ] || [ "$interval" -gt 0 ]; then
	(
		# Stopped: end the run or the sleep under way too.
		child=""
		trap '[ -z "$child" ] || kill "$child" 2>/dev/null; exit 0' TERM INT
		if [ "$on_start" = true ]; then
			run_suite & child=$!
			wait "$child" || true
		fi
		while [ "$interval" -gt 0 ]; do
			sleep $((interval * 60)) & child=$!
			wait "$child" || true
			run_suite & child=$!
			wait "$child" || true
		done
	) &
	loop_pid=$!
fi

# The add-on lives as long as the server does.
rc=0
wait "$serve_pid" || rc=$?
[ -z "$loop_pid" ] || kill "$loop_pid" 2>/dev/null || true
log "perfguard serve exited $rc"
exit "$rc"
