/*
 * hb_backend.c -- the helpers heartbeat.h offers the pool backends
 * (hb_nfs.c, hb_local.c): IP validation, setting a result row, and the
 * per-pool content cache.  A leaf: it calls nothing of heartbeat.c or the
 * backends, so heartbeat.c -> backend -> helpers never loops back.
 */
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heartbeat.h"
#include "util.h"

int
hb_ip_valid(const char *ip)
{
	size_t	i, ndots = 0;

	if (ip == NULL || ip[0] == '\0')
		return 0;
	for (i = 0; ip[i] != '\0'; i++) {
		if (i >= HB_IP_MAX)
			return 0;
		if (ip[i] == '.')
			ndots++;
		else if (ip[i] != ':' &&
		    !(ip[i] >= '0' && ip[i] <= '9') &&
		    !(ip[i] >= 'a' && ip[i] <= 'f') &&
		    !(ip[i] >= 'A' && ip[i] <= 'F'))
			return 0;
	}
	return ndots < i;	/* not "." or ".." */
}

const char *
hb_file_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "regular file";
	case S_IFLNK:
		return "symlink";
	case S_IFDIR:
		return "directory";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	case S_IFCHR:
	case S_IFBLK:
		return "device";
	default:
		return "unknown type";
	}
}

void
hb_set(struct hb_result *r, enum hb_status st, const char *fmt, ...)
{
	va_list	ap;

	r->status = st;
	if (st != HB_OK)
		r->value = 0;
	if (st == HB_MISSING || st == HB_UNKNOWN)
		r->mtime_ms = 0;
	if (fmt == NULL) {
		r->err[0] = '\0';
		return;
	}
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
}

/* ---- per-pool content cache (used by hb_nfs.c) ---- */

static uint32_t
hb_hash(const char *s)
{
	uint32_t	h = 2166136261u;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static uint32_t
hb_cache_slot(const struct hb_cache_ent *tab, size_t cap, const char *ip)
{
	uint32_t	i = hb_hash(ip) & (uint32_t)(cap - 1);

	while (tab[i].used && strcmp(tab[i].ip, ip) != 0)
		i = (i + 1) & (uint32_t)(cap - 1);
	return i;
}

void
hb_cache_reserve(struct hb_pool *p, size_t more)
{
	struct hb_cache_ent	*old = p->cache;
	size_t			 oldcap = p->cache_cap, cap, i;

	cap = oldcap ? oldcap : 64;
	while ((p->cache_used + more) * 2 > cap)	/* load <= 1/2 */
		cap *= 2;
	if (cap == oldcap)
		return;
	p->cache = xcalloc(cap, sizeof(*p->cache));
	p->cache_cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i].used)
			p->cache[hb_cache_slot(p->cache, cap, old[i].ip)] =
			    old[i];
	free(old);
}

uint32_t
hb_cache_find(const struct hb_pool *p, const char *ip)
{
	uint32_t	s;

	if (p->cache_cap == 0)
		return UINT32_MAX;
	s = hb_cache_slot(p->cache, p->cache_cap, ip);
	return p->cache[s].used ? s : UINT32_MAX;
}

uint32_t
hb_cache_get(struct hb_pool *p, const char *ip)
{
	uint32_t	s;

	hb_cache_reserve(p, 1);
	s = hb_cache_slot(p->cache, p->cache_cap, ip);
	if (!p->cache[s].used) {
		p->cache[s].used = 1;
		snprintf(p->cache[s].ip, sizeof(p->cache[s].ip), "%s", ip);
		p->cache_used++;
	}
	return s;
}
