/*
 * flag_names.c -- workaround flags back to their names (flag_names.h).
 */
#include <stdio.h>

#include "flag_names.h"

void
flag_names_format(const struct flag_name *tab, size_t ntab, unsigned flags,
    char *buf, size_t len)
{
	size_t	i, o = 0;
	int	n;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < ntab; i++) {
		if ((flags & tab[i].flag) == 0)
			continue;
		n = snprintf(buf + o, len - o, "%s%s", o ? "," : "",
		    tab[i].name);
		if (n < 0 || (size_t)n >= len - o)
			return;
		o += (size_t)n;
	}
	if (o == 0)
		snprintf(buf, len, "none");
}
