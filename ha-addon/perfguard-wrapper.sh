#!/bin/sh
# /usr/local/bin/perfguard in the add-on's image: perfguard with the
# add-on's config and database (written by run.sh to /run/perfguard.env),
# so that `docker exec -it addon_local_perfguard perfguard tui` opens the
# dashboard on the suite the add-on serves. Variables already set win.
if [ -r /run/perfguard.env ]; then
	while IFS='=' read -r key value; do
		case "$key" in
		PERFGUARD_CONFIG | PERFGUARD_DB)
			eval "current=\${$key:-}"
			# shellcheck disable=SC2154 # set by the eval above
			[ -n "$current" ] || export "$key=$value"
			;;
		esac
	done </run/perfguard.env
fi
exec /opt/perfguard/bin/perfguard "$@"
