/* z.h -- fixture: included by its own .c only */
#ifndef Z_H
#define Z_H
int z_one(void);
#endif
