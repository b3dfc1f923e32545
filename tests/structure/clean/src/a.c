/* a.c -- fixture: clean tree, includes its own header only */
#include "a.h"

int
a_one(int x)
{
	return x + 1;
}
