/*
 * flag_names.h -- a table of workaround names and their flag bits, shared
 * by the libfreeipmi (ipmi_conf.c) and libipmiconsole (sol_conf.c) name
 * sets, which differ only in their tables.
 */
#ifndef HAWATCH_FLAG_NAMES_H
#define HAWATCH_FLAG_NAMES_H

#include <stddef.h>

struct flag_name {
	const char	*name;
	unsigned	 flag;
};

/* "a,b" for the names whose bits are set in flags, "none" for none */
void	flag_names_format(const struct flag_name *, size_t, unsigned flags,
	    char *buf, size_t len);

#endif
