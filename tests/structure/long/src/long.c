/* long.c -- fixture: 601 lines, long_fn() is 81 lines, also_long() 90, short_fn() is fine */
int long_fn(int);
int also_long(int, int);
int short_fn(int);
int long_call(int);

static const int table[] =
{
	1,
	2,
	3,
	4,
	5,
	6,
	7,
	8,
	9,
	10,
	11,
	12,
	13,
	14,
	15,
	16,
	17,
	18,
	19,
	20,
	21,
	22,
	23,
	24,
	25,
	26,
	27,
	28,
	29,
	30,
	31,
	32,
	33,
	34,
	35,
	36,
	37,
	38,
	39,
	40,
	41,
	42,
	43,
	44,
	45,
	46,
	47,
	48,
	49,
	50,
	51,
	52,
	53,
	54,
	55,
	56,
	57,
	58,
	59,
	60,
	61,
	62,
	63,
	64,
	65,
	66,
	67,
	68,
	69,
	70,
	71,
	72,
	73,
	74,
	75,
	76,
	77,
	78,
	79,
	80,
	81,
	82,
	83,
	84,
	85,
	86,
	87,
	88,
	89,
	90,
	91,
	92,
	93,
	94,
	95,
	96,
	97,
	98,
	99,
	100,
};

int
long_fn(int x)
{
	x += table[1];
	x += table[2];
	x += table[3];
	x += table[4];
	x += table[5];
	x += table[6];
	x += table[7];
	x += table[8];
	x += table[9];
	x += table[10];
	x += table[11];
	x += table[12];
	x += table[13];
	x += table[14];
	x += table[15];
	x += table[16];
	x += table[17];
	x += table[18];
	x += table[19];
	x += table[20];
	x += table[21];
	x += table[22];
	x += table[23];
	x += table[24];
	x += table[25];
	x += table[26];
	x += table[27];
	x += table[28];
	x += table[29];
	x += table[30];
	x += table[31];
	x += table[32];
	x += table[33];
	x += table[34];
	x += table[35];
	x += table[36];
	x += table[37];
	x += table[38];
	x += table[39];
	x += table[40];
	x += table[41];
	x += table[42];
	x += table[43];
	x += table[44];
	x += table[45];
	x += table[46];
	x += table[47];
	x += table[48];
	x += table[49];
	x += table[50];
	x += table[51];
	x += table[52];
	x += table[53];
	x += table[54];
	x += table[55];
	x += table[56];
	x += table[57];
	x += table[58];
	x += table[59];
	x += table[60];
	x += table[61];
	x += table[62];
	x += table[63];
	x += table[64];
	x += table[65];
	x += table[66];
	x += table[67];
	x += table[68];
	x += table[69];
	x += table[70];
	x += table[71];
	x += table[72];
	x += table[73];
	x += table[74];
	x += table[75];
	x += table[76];
	x += table[77];
	x += table[78];
	return x;
}

int
also_long(int x,
    int y)
{
	x += y + 1;
	x += y + 2;
	x += y + 3;
	x += y + 4;
	x += y + 5;
	x += y + 6;
	x += y + 7;
	x += y + 8;
	x += y + 9;
	x += y + 10;
	x += y + 11;
	x += y + 12;
	x += y + 13;
	x += y + 14;
	x += y + 15;
	x += y + 16;
	x += y + 17;
	x += y + 18;
	x += y + 19;
	x += y + 20;
	x += y + 21;
	x += y + 22;
	x += y + 23;
	x += y + 24;
	x += y + 25;
	x += y + 26;
	x += y + 27;
	x += y + 28;
	x += y + 29;
	x += y + 30;
	x += y + 31;
	x += y + 32;
	x += y + 33;
	x += y + 34;
	x += y + 35;
	x += y + 36;
	x += y + 37;
	x += y + 38;
	x += y + 39;
	x += y + 40;
	x += y + 41;
	x += y + 42;
	x += y + 43;
	x += y + 44;
	x += y + 45;
	x += y + 46;
	x += y + 47;
	x += y + 48;
	x += y + 49;
	x += y + 50;
	x += y + 51;
	x += y + 52;
	x += y + 53;
	x += y + 54;
	x += y + 55;
	x += y + 56;
	x += y + 57;
	x += y + 58;
	x += y + 59;
	x += y + 60;
	x += y + 61;
	x += y + 62;
	x += y + 63;
	x += y + 64;
	x += y + 65;
	x += y + 66;
	x += y + 67;
	x += y + 68;
	x += y + 69;
	x += y + 70;
	x += y + 71;
	x += y + 72;
	x += y + 73;
	x += y + 74;
	x += y + 75;
	x += y + 76;
	x += y + 77;
	x += y + 78;
	x += y + 79;
	x += y + 80;
	x += y + 81;
	x += y + 82;
	x += y + 83;
	x += y + 84;
	x += y + 85;
	x += y + 86;
	x += y + 87;
	return x;
}

/* short_fn: a comment above the header */
int
short_fn(int x)
{
	return long_call(x);
}

/* filler 296 */
/* filler 297 */
/* filler 298 */
/* filler 299 */
/* filler 300 */
/* filler 301 */
/* filler 302 */
/* filler 303 */
/* filler 304 */
/* filler 305 */
/* filler 306 */
/* filler 307 */
/* filler 308 */
/* filler 309 */
/* filler 310 */
/* filler 311 */
/* filler 312 */
/* filler 313 */
/* filler 314 */
/* filler 315 */
/* filler 316 */
/* filler 317 */
/* filler 318 */
/* filler 319 */
/* filler 320 */
/* filler 321 */
/* filler 322 */
/* filler 323 */
/* filler 324 */
/* filler 325 */
/* filler 326 */
/* filler 327 */
/* filler 328 */
/* filler 329 */
/* filler 330 */
/* filler 331 */
/* filler 332 */
/* filler 333 */
/* filler 334 */
/* filler 335 */
/* filler 336 */
/* filler 337 */
/* filler 338 */
/* filler 339 */
/* filler 340 */
/* filler 341 */
/* filler 342 */
/* filler 343 */
/* filler 344 */
/* filler 345 */
/* filler 346 */
/* filler 347 */
/* filler 348 */
/* filler 349 */
/* filler 350 */
/* filler 351 */
/* filler 352 */
/* filler 353 */
/* filler 354 */
/* filler 355 */
/* filler 356 */
/* filler 357 */
/* filler 358 */
/* filler 359 */
/* filler 360 */
/* filler 361 */
/* filler 362 */
/* filler 363 */
/* filler 364 */
/* filler 365 */
/* filler 366 */
/* filler 367 */
/* filler 368 */
/* filler 369 */
/* filler 370 */
/* filler 371 */
/* filler 372 */
/* filler 373 */
/* filler 374 */
/* filler 375 */
/* filler 376 */
/* filler 377 */
/* filler 378 */
/* filler 379 */
/* filler 380 */
/* filler 381 */
/* filler 382 */
/* filler 383 */
/* filler 384 */
/* filler 385 */
/* filler 386 */
/* filler 387 */
/* filler 388 */
/* filler 389 */
/* filler 390 */
/* filler 391 */
/* filler 392 */
/* filler 393 */
/* filler 394 */
/* filler 395 */
/* filler 396 */
/* filler 397 */
/* filler 398 */
/* filler 399 */
/* filler 400 */
/* filler 401 */
/* filler 402 */
/* filler 403 */
/* filler 404 */
/* filler 405 */
/* filler 406 */
/* filler 407 */
/* filler 408 */
/* filler 409 */
/* filler 410 */
/* filler 411 */
/* filler 412 */
/* filler 413 */
/* filler 414 */
/* filler 415 */
/* filler 416 */
/* filler 417 */
/* filler 418 */
/* filler 419 */
/* filler 420 */
/* filler 421 */
/* filler 422 */
/* filler 423 */
/* filler 424 */
/* filler 425 */
/* filler 426 */
/* filler 427 */
/* filler 428 */
/* filler 429 */
/* filler 430 */
/* filler 431 */
/* filler 432 */
/* filler 433 */
/* filler 434 */
/* filler 435 */
/* filler 436 */
/* filler 437 */
/* filler 438 */
/* filler 439 */
/* filler 440 */
/* filler 441 */
/* filler 442 */
/* filler 443 */
/* filler 444 */
/* filler 445 */
/* filler 446 */
/* filler 447 */
/* filler 448 */
/* filler 449 */
/* filler 450 */
/* filler 451 */
/* filler 452 */
/* filler 453 */
/* filler 454 */
/* filler 455 */
/* filler 456 */
/* filler 457 */
/* filler 458 */
/* filler 459 */
/* filler 460 */
/* filler 461 */
/* filler 462 */
/* filler 463 */
/* filler 464 */
/* filler 465 */
/* filler 466 */
/* filler 467 */
/* filler 468 */
/* filler 469 */
/* filler 470 */
/* filler 471 */
/* filler 472 */
/* filler 473 */
/* filler 474 */
/* filler 475 */
/* filler 476 */
/* filler 477 */
/* filler 478 */
/* filler 479 */
/* filler 480 */
/* filler 481 */
/* filler 482 */
/* filler 483 */
/* filler 484 */
/* filler 485 */
/* filler 486 */
/* filler 487 */
/* filler 488 */
/* filler 489 */
/* filler 490 */
/* filler 491 */
/* filler 492 */
/* filler 493 */
/* filler 494 */
/* filler 495 */
/* filler 496 */
/* filler 497 */
/* filler 498 */
/* filler 499 */
/* filler 500 */
/* filler 501 */
/* filler 502 */
/* filler 503 */
/* filler 504 */
/* filler 505 */
/* filler 506 */
/* filler 507 */
/* filler 508 */
/* filler 509 */
/* filler 510 */
/* filler 511 */
/* filler 512 */
/* filler 513 */
/* filler 514 */
/* filler 515 */
/* filler 516 */
/* filler 517 */
/* filler 518 */
/* filler 519 */
/* filler 520 */
/* filler 521 */
/* filler 522 */
/* filler 523 */
/* filler 524 */
/* filler 525 */
/* filler 526 */
/* filler 527 */
/* filler 528 */
/* filler 529 */
/* filler 530 */
/* filler 531 */
/* filler 532 */
/* filler 533 */
/* filler 534 */
/* filler 535 */
/* filler 536 */
/* filler 537 */
/* filler 538 */
/* filler 539 */
/* filler 540 */
/* filler 541 */
/* filler 542 */
/* filler 543 */
/* filler 544 */
/* filler 545 */
/* filler 546 */
/* filler 547 */
/* filler 548 */
/* filler 549 */
/* filler 550 */
/* filler 551 */
/* filler 552 */
/* filler 553 */
/* filler 554 */
/* filler 555 */
/* filler 556 */
/* filler 557 */
/* filler 558 */
/* filler 559 */
/* filler 560 */
/* filler 561 */
/* filler 562 */
/* filler 563 */
/* filler 564 */
/* filler 565 */
/* filler 566 */
/* filler 567 */
/* filler 568 */
/* filler 569 */
/* filler 570 */
/* filler 571 */
/* filler 572 */
/* filler 573 */
/* filler 574 */
/* filler 575 */
/* filler 576 */
/* filler 577 */
/* filler 578 */
/* filler 579 */
/* filler 580 */
/* filler 581 */
/* filler 582 */
/* filler 583 */
/* filler 584 */
/* filler 585 */
/* filler 586 */
/* filler 587 */
/* filler 588 */
/* filler 589 */
/* filler 590 */
/* filler 591 */
/* filler 592 */
/* filler 593 */
/* filler 594 */
/* filler 595 */
/* filler 596 */
/* filler 597 */
/* filler 598 */
/* filler 599 */
/* filler 600 */
/* filler 601 */
