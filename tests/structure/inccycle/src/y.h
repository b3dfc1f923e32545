/* y.h -- fixture: includes nothing; y.c closes the cycle */
#ifndef Y_H
#define Y_H
int y_one(void);
#endif
