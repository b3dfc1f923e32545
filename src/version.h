/*
 * version.h -- `hawatch --version`: hawatch's version and the versions of
 * the libraries it runs with (for bug reports and package checks).
 */
#ifndef HAWATCH_VERSION_H
#define HAWATCH_VERSION_H

#include <stdio.h>

/* "hawatch <version>" then one "  <library> <version>" line per library */
void	version_print(FILE *, const char *hawatch_version);

#endif
