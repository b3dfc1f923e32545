/*
 * main.c -- hawatch entry point (placeholder until the CLI lands).
 */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "hawatch: not yet\n");
	return 1;
}
