/* f.c -- fixture: clean tree, a second top folder calling into src/ */
#include "a.h"

int f_one(void);

int
f_one(void)
{
	return a_one(2);
}
