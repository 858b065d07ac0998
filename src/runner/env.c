/* env.c: the child's environment, the PATH lookup of its command and the
 * check of its working directory. */
#include "runner_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

/* Nonzero when path names an executable regular file; *eacces is set when
 * it exists but may not be executed. base, when not NULL, is the directory
 * a relative path is resolved from (the child's cwd). */
static int is_executable(const char *base, const char *path, int *eacces)
{
	char buf[4096];
	const char *p = path;
	if (base && path[0] != '/') {
		if ((size_t)snprintf(buf, sizeof buf, "%s/%s", base, path) >= sizeof buf)
			return 0;
		p = buf;
	}
	struct stat st;
	if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if (access(p, X_OK) != 0) {
		*eacces = 1;
		return 0;
	}
	return 1;
}

/* The value of variable name in the NULL-terminated envp, or NULL. */
static const char *env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);
	for (; envp && *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/* Find cmd as execvp would, in the PATH of the child's environment, with
 * relative entries resolved from cwd. Returns the path to execute (cmd
 * itself or a string the caller frees through *owned), or NULL after
 * filling err. */
const char *pfg_runner_resolve(const char *cmd, const char *cwd, char *const *envp,
			       char **owned, char *err, size_t errlen)
{
	int eacces = 0;
	*owned = NULL;
	if (!*cmd) {
		pfg_error(err, errlen, PFG_EINPUT, "empty command");
		return NULL;
	}
	if (strchr(cmd, '/')) {
		if (is_executable(cwd, cmd, &eacces))
			return cmd;
		pfg_error(err, errlen, PFG_EINPUT, eacces ?
			  "cannot execute %s: permission denied" :
			  "no such command: %s", cmd);
		return NULL;
	}
	const char *path = env_get(envp, "PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	const char *p = path;
	for (;;) {
		const char *colon = strchr(p, ':');
		size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
		char *cand = dlen ? pfg_xasprintf("%.*s/%s", (int)dlen, p, cmd)
				  : pfg_xasprintf("./%s", cmd);
		if (is_executable(cwd, cand, &eacces)) {
			*owned = cand;
			return cand;
		}
		free(cand);
		if (!colon)
			break;
		p = colon + 1;
	}
	pfg_error(err, errlen, PFG_EINPUT, eacces ?
		  "cannot execute %s: permission denied" :
		  "no such command: %s (not found in PATH)", cmd);
	return NULL;
}

/* Nonzero when "KEY=..." entries a and b set the same key. */
static int same_key(const char *a, const char *b)
{
	size_t ka = strcspn(a, "="), kb = strcspn(b, "=");
	return ka == kb && strncmp(a, b, ka) == 0;
}

/* Nonzero when one of the NULL-terminated entries v sets the key of e. */
static int key_in(const char *e, char *const *v)
{
	for (; v && *v; v++)
		if (same_key(e, *v))
			return 1;
	return 0;
}

/* The child's environment: ours with spec->env and then extra
 * ("KEY=VALUE" or NULL) laid over it, the last setting of a key winning.
 * Returns environ itself when nothing changes, else an array the caller
 * frees (its strings stay borrowed). */
char **pfg_runner_build_env(char *const *over, char *extra)
{
	if (!(over && *over) && !extra)
		return environ;
	size_t n = 0, k = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	for (char *const *o = over; o && *o; o++)
		n++;
	char *const extra_v[] = { extra, NULL };
	char **envp = pfg_xcalloc(n + 2, sizeof *envp);
	for (char **e = environ; e && *e; e++)
		if (!key_in(*e, over) && !key_in(*e, extra_v))
			envp[k++] = *e;
	for (char *const *o = over; o && *o; o++)
		if (!key_in(*o, o + 1) && !key_in(*o, extra_v))
			envp[k++] = *o;
	if (extra)
		envp[k++] = extra;
	envp[k] = NULL;
	return envp;
}

/* Nonzero when dir exists and is a directory we may enter; fills err. */
int pfg_runner_check_cwd(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	if (stat(dir, &st) != 0) {
		pfg_error(err, errlen, PFG_EINPUT, "working directory %s: %s", dir,
			  strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		pfg_error(err, errlen, PFG_EINPUT, "working directory %s: not a directory",
			  dir);
		return 0;
	}
	if (access(dir, X_OK) != 0) {
		pfg_error(err, errlen, PFG_EINPUT, "working directory %s: %s", dir,
			  strerror(errno));
		return 0;
	}
	return 1;
}
