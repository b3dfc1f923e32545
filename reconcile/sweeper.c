/*
 * sweeper.c -- the struct sweeper that the daemon keeps across ticks (and
 * `hawatch sweep` makes for one run): its configuration and the core's
 * policy made from it, one libvirt connection per host (keyed by host id
 * and URI: a changed URI reopens), and the core's tracking table.  Hosts
 * that leave the inventory are forgotten: connection and memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sweep.h"
#include "sweep_impl.h"
#include "util.h"

int
sweep_policy_from_config(const struct sweep_config *c, struct sweep_policy *p,
    char *err)
{
	sweep_policy_default(p);
	p->pause_grace_ms = c->pause_grace_ms;
	p->job_stall_after_ms = c->job_stall_after_ms;
	p->max_resume_attempts = c->max_resume_attempts;
	p->resume_backoff_ms = c->resume_backoff_ms;
	/* five doublings, as the core's default (1 min -> at most 16 min) */
	p->resume_backoff_max_ms = c->resume_backoff_ms * 16;
	p->resume_settle_ms = c->resume_settle_ms;
	p->pull_job_max_age_ms = c->pull_job_max_age_ms;
	return sweep_policy_check(p, err);
}

/* 1 if name or uuid is listed in sweep.optout (uuids case-insensitive). */
int
sweep_optout_match(const struct sweep_config *c, const char *name,
    const char *uuid)
{
	size_t	i;

	for (i = 0; i < c->noptout; i++)
		if (strcmp(c->optout[i], name) == 0 ||
		    (uuid[0] != '\0' && strcasecmp(c->optout[i], uuid) == 0))
			return 1;
	return 0;
}

static void
cfg_clear(struct sweep_config *c)
{
	size_t	i;

	for (i = 0; i < c->noptout; i++)
		free(c->optout[i]);
	c->noptout = 0;
}

int
sweeper_set_config(struct sweeper *sw, const struct sweep_config *c,
    char *err)
{
	struct sweep_policy	p;
	size_t			i;

	if (sweep_policy_from_config(c, &p, err) == -1)
		return -1;
	cfg_clear(&sw->cfg);
	sw->cfg = *c;
	for (i = 0; i < c->noptout; i++)
		sw->cfg.optout[i] = xstrdup(c->optout[i]);
	sw->pol = p;
	return 0;
}

struct sweeper *
sweeper_new(const struct sweep_config *c, char *err)
{
	struct sweeper	*sw;

	if (virt_init(err) == -1)
		return NULL;
	sw = xcalloc(1, sizeof(*sw));
	if (sweeper_set_config(sw, c, err) == -1) {
		free(sw);
		return NULL;
	}
	sweep_state_init(&sw->st, NULL, 0);
	return sw;
}

static void
conn_drop(struct sweeper *sw, size_t i)
{
	virt_conn_free(sw->conns[i].vc);
	sw->conns[i] = sw->conns[--sw->nconns];
}

void
sweeper_forget_host(struct sweeper *sw, uint32_t host_id)
{
	size_t	i;

	for (i = 0; i < sw->nconns; i++)
		if (sw->conns[i].host_id == host_id) {
			conn_drop(sw, i);
			break;
		}
	sweep_forget_host(&sw->st, host_id);
}

void
sweeper_free(struct sweeper *sw)
{
	if (sw == NULL)
		return;
	while (sw->nconns > 0)
		conn_drop(sw, 0);
	free(sw->conns);
	free(sw->tracks);
	free(sw->acts.v);
	cfg_clear(&sw->cfg);
	free(sw);
}

void
sweep_run_report_free(struct sweep_run_report *r)
{
	free(r->hosts);
	free(r->doms);
	free(r->backups);
	free(r->running);
	free(r->running_host);
	free(r->vmstates);
	memset(r, 0, sizeof(*r));
}

/* The host's connection for uri: kept, replaced when the URI changed. */
struct sw_conn *
sweeper_conn_get(struct sweeper *sw, uint32_t host_id, const char *uri)
{
	struct sw_conn	*c;
	size_t		 i;

	for (i = 0; i < sw->nconns; i++) {
		c = &sw->conns[i];
		if (c->host_id != host_id)
			continue;
		if (strcmp(c->uri, uri) == 0)
			return c;
		virt_conn_free(c->vc);
		c->vc = virt_conn_new(host_id, uri);
		snprintf(c->uri, sizeof(c->uri), "%s", uri);
		c->up = 0;
		return c;
	}
	if (sw->nconns == sw->capconns) {
		sw->capconns = sw->capconns ? 2 * sw->capconns : 16;
		if ((sw->conns = realloc(sw->conns, sw->capconns *
		    sizeof(*sw->conns))) == NULL)
			abort();
	}
	c = &sw->conns[sw->nconns++];
	memset(c, 0, sizeof(*c));
	c->host_id = host_id;
	snprintf(c->uri, sizeof(c->uri), "%s", uri);
	c->vc = virt_conn_new(host_id, uri);
	return c;
}

struct sw_conn *
sweeper_conn_find(struct sweeper *sw, uint32_t host_id)
{
	size_t	i;

	for (i = 0; i < sw->nconns; i++)
		if (sw->conns[i].host_id == host_id)
			return &sw->conns[i];
	return NULL;
}

static int
host_listed(const struct sweep_host_in *h, size_t n, uint32_t id)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (h[i].host_id == id)
			return 1;
	return 0;
}

void
sweeper_prune(struct sweeper *sw, const struct sweep_host_in *h, size_t n)
{
	size_t	i;

	for (i = 0; i < sw->nconns; )
		if (!host_listed(h, n, sw->conns[i].host_id))
			conn_drop(sw, i);
		else
			i++;
	for (i = 0; i < sw->st.n; )
		if (!host_listed(h, n, sw->st.v[i].host_id))
			sweep_forget_host(&sw->st, sw->st.v[i].host_id);
		else
			i++;
}
