/* a.h -- fixture: clean tree, a leaf module */
#ifndef A_H
#define A_H
int a_one(int);
#endif
