/* slots.c: the process groups of the runs in progress, so that
 * pfg_runner_kill_all() can kill them from a signal handler, and the stop
 * generation it bumps. */
#include "runner_int.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>

/* Process groups started by pfg_runner_exec() and not yet reaped, so that
 * pfg_runner_kill_all() can kill them from a signal handler. A slot is 0
 * when free; slots are claimed and freed with lock-free atomics. */
#define PFG_RUNNER_SLOTS 64
static atomic_int pfg_running[PFG_RUNNER_SLOTS];

/* Bumped by every pfg_runner_kill_all(): a run that sees it change since
 * it started stops parsing its metrics. Lock-free, so signal-safe. */
static atomic_uint pfg_stop_gen;

/* Claim a free slot for pgid (see runner_int.h). */
int pfg_runner_slot_claim(pid_t pgid)
{
	for (int i = 0; i < PFG_RUNNER_SLOTS; i++) {
		int expect = 0;
		if (atomic_compare_exchange_strong(&pfg_running[i], &expect, (int)pgid))
			return i;
	}
	return -1;
}

/* Free a claimed slot. */
void pfg_runner_slot_free(int slot)
{
	if (slot >= 0)
		atomic_store(&pfg_running[slot], 0);
}

/* The current stop generation. */
unsigned pfg_runner_stop_gen(void)
{
	return atomic_load(&pfg_stop_gen);
}

/* Kill every group still running and bump the stop generation. */
void pfg_runner_kill_all(void)
{
	int saved = errno;
	atomic_fetch_add(&pfg_stop_gen, 1u);
	for (int i = 0; i < PFG_RUNNER_SLOTS; i++) {
		int pgid = atomic_load(&pfg_running[i]);
		if (pgid > 0)
			kill(-(pid_t)pgid, SIGKILL);
	}
	errno = saved;
}
