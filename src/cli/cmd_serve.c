/* cmd_serve.c: `perfguard serve`: the reports over HTTP, read-only, until
 * SIGINT or SIGTERM (src/serve/). */
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/serve.h"
#include "perfguard/util.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_PORT = 0x2000, OPT_BIND, OPT_ALLOW };

/* Serve o until SIGINT or SIGTERM; an exit code. */
static int serve_until_signal(const struct pfg_cli *cli, const struct pfg_serve_opts *o)
{
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	/* Blocked before the daemon's threads start, so that they inherit it
	 * and only sigwait() below receives the signals. */
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	signal(SIGPIPE, SIG_IGN);
	char err[PFG_ERR_MAX];
	struct pfg_serve *s;
	if (pfg_serve_start(o, &s, err, sizeof err)) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	}
	char host[INET6_ADDRSTRLEN] = "127.0.0.1";
	if (o->bind.family)
		inet_ntop(o->bind.family, o->bind.bytes, host, sizeof host);
	int v6 = o->bind.family == AF_INET6;
	printf("perfguard serve: listening on http://%s%s%s:%u/ (database %s)\n", v6 ? "[" : "",
	       host, v6 ? "]" : "", pfg_serve_port(s), o->db_path);
	fflush(stdout);
	int sig = 0;
	sigwait(&stop, &sig);
	pfg_serve_stop(s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	fprintf(stderr, "perfguard serve: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	return PFG_EXIT_OK;
}

/* `perfguard serve`: parse the options, then serve; an exit code. */
static int cmd_serve(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, OPT_PORT },
		{ "bind", required_argument, NULL, OPT_BIND },
		{ "allow", required_argument, NULL, OPT_ALLOW },
		PFG_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct pfg_serve_opts o = { .port = 8099 };
	char err[PFG_ERR_MAX];
	int opt, rc;
	long n;
	optind = 1;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_PORT:
			if ((n = pfg_cli_parse_range(cli, "--port", optarg, 0, 65535)) < 0)
				return PFG_EXIT_USAGE;
			o.port = (unsigned)n;
			break;
		case OPT_BIND:
			if (pfg_serve_addr_parse(optarg, &o.bind, err, sizeof err))
				return pfg_cli_usage_error(cli, "--bind: %s", err);
			break;
		case OPT_ALLOW:
			if (o.n_allow == PFG_SERVE_ALLOW_MAX)
				return pfg_cli_usage_error(cli, "--allow: at most %d addresses",
							   PFG_SERVE_ALLOW_MAX);
			if (pfg_serve_addr_parse(optarg, &o.allow[o.n_allow], err, sizeof err))
				return pfg_cli_usage_error(cli, "--allow: %s", err);
			o.n_allow++;
			break;
		default:
			if ((rc = pfg_cli_common_option(cli, opt, optarg)) >= 0)
				return rc;
		}
	}
	if (optind < argc)
		return pfg_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	struct pfg_config *cfg;
	if ((rc = pfg_cli_load_config(cli, 1, &cfg)))
		return rc;
	char *db = pfg_cli_db_path(cli);
	o.db_path = db;
	o.cfg = cfg;
	rc = serve_until_signal(cli, &o);
	free(db);
	pfg_config_free(cfg);
	return rc;
}

const struct pfg_command pfg_cmd_serve_entry = {
	.name = "serve",
	.summary = "serve the HTML and JSON reports over HTTP (read-only)",
	.usage =
		"Usage: perfguard serve [--port N] [--bind ADDR] [--allow ADDR]...\n"
		"\n"
		"Serve the reports of 'perfguard report' over HTTP, read-only, from a\n"
		"fresh read of the database on each request, until SIGINT or SIGTERM:\n"
		"\n"
		"  /                          the suite's state, the HTML report\n"
		"  /report.json               the same, the JSON report (schema_version 1)\n"
		"  /benchmark/COMPONENT/NAME  one benchmark's page (each part\n"
		"                             percent-encoded)\n"
		"\n"
		"GET and HEAD only (else 405); other paths 404; 503 until the database\n"
		"holds a run (serving never creates it). Behind Home Assistant's ingress,\n"
		"links start with the X-Ingress-Path header when it is a plain path.\n"
		"The first line on stdout names the address and port listened on.\n"
		"\n"
		"  --port N      the TCP port (default 8099; 0: any free port)\n"
		"  --bind ADDR   the IPv4 or IPv6 address to listen on (default\n"
		"                127.0.0.1; 0.0.0.0 for every IPv4 interface, :: for\n"
		"                every interface, IPv4 and IPv6)\n"
		"  --allow ADDR  accept connections only from ADDR (repeatable, at most\n"
		"                16; an add-on: --allow 172.30.32.2, the ingress proxy);\n"
		"                without it, every peer that reaches the address\n"
		"\n"
		"Exit status: 0 stopped by SIGINT or SIGTERM, 2 bad usage or config,\n"
		"3 the address could not be listened on.\n",
	.run = cmd_serve,
};
