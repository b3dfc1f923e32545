/*
 * metrics_keys.c -- the `metrics` group of hawatch.conf: where the
 * Prometheus endpoint listens (off unless listen is set) and its bounds;
 * and the parser of the listen address, shared with metrics_http.c so
 * config-check refuses exactly what run could not bind.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_table.h"
#include "defaults.h"
#include "metrics.h"
#include "util.h"

/* a port number 1..65535, or -1 */
static long
listen_port(const char *p)
{
	char	*end;
	long	 v;

	if (*p < '0' || *p > '9')
		return -1;
	v = strtol(p, &end, 10);
	return *end == '\0' && v >= 1 && v <= 65535 ? v : -1;
}

int
metrics_listen_parse(const char *s, struct sockaddr_storage *ss,
    unsigned *len, char *err)
{
	struct sockaddr_in	*a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*a6 = (struct sockaddr_in6 *)ss;
	const char		*colon = strrchr(s, ':');
	char			 host[64];
	size_t			 hl;
	long			 port;
	int			 v6 = 0;

	if (colon == NULL || (port = listen_port(colon + 1)) == -1)
		goto bad;
	hl = (size_t)(colon - s);
	if (s[0] == '[' && hl >= 2 && s[hl - 1] == ']')
		v6 = 1;
	if (hl < 1 + 2 * (size_t)v6 || hl - 2 * (size_t)v6 >= sizeof(host))
		goto bad;
	hl -= 2 * (size_t)v6;
	memcpy(host, s + v6, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (!v6 && inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*len = sizeof(*a4);
		return 0;
	}
	if (v6 && inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		return 0;
	}
bad:
	set_err(err, "\"%s\" is not an IP address and port (\"127.0.0.1:9631\" "
	    "or \"[::1]:9631\"; a host name is not resolved)", s);
	return -1;
}

static int
metrics_listen_ok(const char *v, char *err)
{
	struct sockaddr_storage	ss;
	unsigned		len;

	if (v[0] == '\0')
		return 0;
	return metrics_listen_parse(v, &ss, &len, err);
}

static const struct cfg_key metrics_keys[] = {
	{ .name = "listen", .type = CFGT_STRING,
	    CFG_AT(metrics_config, listen), .sdef = "",
	    .value_ok = metrics_listen_ok,
	    .doc = "address:port of the Prometheus endpoint (GET /metrics); "
	    "empty: off" },
	{ .name = "max_connections", .type = CFGT_UINT,
	    CFG_AT(metrics_config, max_connections), .min = 1, .max = 256,
	    .def = METRICS_MAX_CONNECTIONS_DEFAULT,
	    .doc = "connections served at once; more are refused" },
	{ .name = "connection_timeout", .type = CFGT_DURATION,
	    CFG_AT(metrics_config, connection_timeout_ms), .min = 1000,
	    .max = 10 * 60 * 1000, .def = METRICS_CONN_TIMEOUT_MS_DEFAULT,
	    .doc = "an idle or stalled connection is closed after this long" },
};

const struct cfg_table metrics_config_table = {
	.name = "metrics", .keys = metrics_keys, .nkeys = NELEM(metrics_keys),
	.size = sizeof(struct metrics_config),
};
