/* w.h -- fixture: a header without a .c, found through -Isrc/sub, includes x.h */
#ifndef W_H
#define W_H
#include "x.h"
#define W_ONE 1
#endif
