/* queue.c: the dashboard's channels: worker -> UI messages under a mutex
 * with a self-pipe that wakes the UI's poll(), and UI -> worker job queues
 * under a mutex and a condition variable. No ncurses here. */
#include "tui_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Make both ends of a pipe non-blocking and close-on-exec. */
static int pfg_pipe_flags(int fds[2])
{
	for (int i = 0; i < 2; i++) {
		int fl = fcntl(fds[i], F_GETFL);
		if (fl < 0 || fcntl(fds[i], F_SETFL, fl | O_NONBLOCK) < 0 ||
		    fcntl(fds[i], F_SETFD, FD_CLOEXEC) < 0)
			return -1;
	}
	return 0;
}

/* Set up the message queue and its pipes. */
int pfg_tui_chan_init(struct pfg_tui_chan *ch)
{
	memset(ch, 0, sizeof *ch);
	ch->wake[0] = ch->wake[1] = -1;
	pthread_mutex_init(&ch->lock, NULL);
	if (pipe(ch->wake) || pfg_pipe_flags(ch->wake))
		return -1;
	return 0;
}

/* Free pending messages and close the pipes. */
void pfg_tui_chan_release(struct pfg_tui_chan *ch)
{
	struct pfg_tui_msg *m = pfg_tui_take(ch);
	while (m) {
		struct pfg_tui_msg *next = m->next;
		pfg_tui_msg_free(m);
		m = next;
	}
	for (int i = 0; i < 2; i++)
		if (ch->wake[i] >= 0)
			close(ch->wake[i]);
	pthread_mutex_destroy(&ch->lock);
}

/* Queue a message for the UI and wake it. Any thread. */
void pfg_tui_post(struct pfg_tui_chan *ch, struct pfg_tui_msg *m)
{
	m->next = NULL;
	pthread_mutex_lock(&ch->lock);
	if (ch->tail)
		ch->tail->next = m;
	else
		ch->head = m;
	ch->tail = m;
	pthread_mutex_unlock(&ch->lock);
	/* A full pipe already means "wake up": EAGAIN is fine. */
	ssize_t rc;
	do
		rc = write(ch->wake[1], "m", 1);
	while (rc < 0 && errno == EINTR);
}

/* Take the whole list of pending messages. */
struct pfg_tui_msg *pfg_tui_take(struct pfg_tui_chan *ch)
{
	pthread_mutex_lock(&ch->lock);
	struct pfg_tui_msg *m = ch->head;
	ch->head = ch->tail = NULL;
	pthread_mutex_unlock(&ch->lock);
	return m;
}

/* Empty the wake pipe. */
void pfg_tui_drain(struct pfg_tui_chan *ch)
{
	char buf[256];
	while (read(ch->wake[0], buf, sizeof buf) > 0)
		;
}

/* Free a message and what it carries. */
void pfg_tui_msg_free(struct pfg_tui_msg *m)
{
	if (!m)
		return;
	pfg_tui_snapshot_free(m->snap);
	pfg_tui_trend_free(m->trend);
	pfg_tui_detail_free(m->detail);
	pfg_tui_view_free(m->view);
	free(m->text);
	free(m);
}

/* Set up an empty job queue. */
void pfg_tui_jobq_init(struct pfg_tui_jobq *q)
{
	memset(q, 0, sizeof *q);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
}

/* Free a job queue and its waiting jobs. */
void pfg_tui_jobq_release(struct pfg_tui_jobq *q)
{
	pfg_tui_jobq_clear(q);
	free(q->current);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
}

/* Queue a job for the worker, coalescing reloads. */
void pfg_tui_jobq_push(struct pfg_tui_jobq *q, struct pfg_tui_job *j)
{
	j->next = NULL;
	pthread_mutex_lock(&q->lock);
	struct pfg_tui_job **pp = &q->head;
	int coalesce = j->kind == PFG_JOB_SNAPSHOT || j->kind == PFG_JOB_TREND;
	while (*pp) {
		if (coalesce && (*pp)->kind == j->kind) {
			/* The newer request supersedes the waiting one. */
			struct pfg_tui_job *old = *pp;
			j->next = old->next;
			*pp = j;
			pfg_tui_job_free(old);
			pthread_mutex_unlock(&q->lock);
			return;
		}
		pp = &(*pp)->next;
	}
	*pp = j;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

/* Block until a job comes or the queue stops. */
struct pfg_tui_job *pfg_tui_jobq_wait(struct pfg_tui_jobq *q)
{
	pthread_mutex_lock(&q->lock);
	while (!q->stop && !q->head)
		pthread_cond_wait(&q->cond, &q->lock);
	struct pfg_tui_job *j = NULL;
	if (!q->stop) {
		j = q->head;
		q->head = j->next;
		j->next = NULL;
		q->busy = 1;
		free(q->current);
		q->current = j->label ? pfg_xstrdup(j->label) : NULL;
	}
	pthread_mutex_unlock(&q->lock);
	return j;
}

/* Mark the worker idle again. */
void pfg_tui_jobq_done(struct pfg_tui_jobq *q)
{
	pthread_mutex_lock(&q->lock);
	q->busy = 0;
	free(q->current);
	q->current = NULL;
	pthread_mutex_unlock(&q->lock);
}

/* Drop every waiting job. */
size_t pfg_tui_jobq_clear(struct pfg_tui_jobq *q)
{
	pthread_mutex_lock(&q->lock);
	struct pfg_tui_job *j = q->head;
	q->head = NULL;
	pthread_mutex_unlock(&q->lock);
	size_t n = 0;
	while (j) {
		struct pfg_tui_job *next = j->next;
		pfg_tui_job_free(j);
		j = next;
		n++;
	}
	return n;
}

/* Copy the labels of waiting jobs and the busy state. */
void pfg_tui_jobq_peek(struct pfg_tui_jobq *q, struct pfg_strv *labels, int *busy,
		       char **current)
{
	pthread_mutex_lock(&q->lock);
	for (struct pfg_tui_job *j = q->head; j; j = j->next)
		pfg_strv_push(labels, j->label ? j->label : "?");
	*busy = q->busy;
	*current = q->current ? pfg_xstrdup(q->current) : NULL;
	pthread_mutex_unlock(&q->lock);
}

/* Free a job. */
void pfg_tui_job_free(struct pfg_tui_job *j)
{
	if (!j)
		return;
	free(j->text);
	free(j->label);
	pfg_strv_release(&j->patterns);
	free(j);
}
