/* x.h -- fixture */
#ifndef X_H
#define X_H
int x_one(void);
#endif
