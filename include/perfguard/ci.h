/* ci.h: pipelines for CI. A GitHub Actions workflow, a GitLab CI job and a
 * Jenkins declarative pipeline that build perfguard, restore the database
 * of earlier pipelines, run the suite with its gate, write the reports even
 * when the gate fails, publish them where the platform reads them, and keep
 * the database for the next pipeline (perfguard(1), ci init). */
#ifndef PERFGUARD_CI_H
#define PERFGUARD_CI_H

#include <stddef.h>

enum pfg_ci_platform { PFG_CI_GITHUB, PFG_CI_GITLAB, PFG_CI_JENKINS };

/* What a pipeline is written for. Paths are relative to the repository's
 * root, the directory the pipeline runs in. */
struct pfg_ci_opts {
	enum pfg_ci_platform platform;
	const char *suite;       /* the config's suite name: any text */
	const char *config_path; /* "perfguard.json" */
	const char *db_path;     /* ".perfguard/perfguard.db" */
	const char *branch;      /* the main branch, whose history is kept */
	const char *file_path;   /* where the pipeline is written */
};

/* "github", "gitlab" or "jenkins"; 0, or -1 for any other word. */
int pfg_ci_platform_parse(const char *s, enum pfg_ci_platform *out);
const char *pfg_ci_platform_name(enum pfg_ci_platform p);

/* Where a platform reads its pipeline: .github/workflows/perfguard.yml,
 * .gitlab-ci.yml, Jenkinsfile. */
const char *pfg_ci_default_path(enum pfg_ci_platform p);

/* The pipeline's text. Returns 0 with *out (free it), or PFG_EINPUT with
 * err naming what cannot go into a pipeline safely: a path holding a
 * control character, invalid UTF-8 or a character CI path patterns give a
 * meaning to (* ? [ ] { } ! , \), for GitLab a '$' (expanded in
 * variables and paths), for Jenkins a space (artifact patterns split
 * there), or a branch name outside letters, digits and . _ / -. The suite name may be any text: it is escaped where
 * it is shown and reduced to a slug in keys. */
int pfg_ci_render(const struct pfg_ci_opts *o, char **out, char *err, size_t errlen);

/* What the user still has to do once the pipeline is written, lines for
 * people. Caller frees. */
char *pfg_ci_next_steps(const struct pfg_ci_opts *o);

#endif
