/*
 * solprobe.c -- drive fence/sol_capture.c from the command line, for the
 * console-capture integration test and by hand.
 *
 *   solprobe probe   HOST:PORT USER PASSFILE SOLWA
 *   solprobe capture HOST:PORT USER PASSFILE SOLWA MS [steal]
 *
 * probe prints "sol=0|1 history=0|1 history_bytes=N reason=..."; capture
 * runs a capture for MS milliseconds, then stops and collects it with a
 * 3 s deadline, prints "bytes=N history=.. live=.. complete=.. reason=.."
 * on stderr and the bytes on stdout.  Exit 0, or 1 on bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "sol_capture.h"
#include "util.h"

int
main(int argc, char **argv)
{
	struct ipmi_target	t;
	struct sol_settings	s;
	struct sol_result	r;
	struct sol_probe_result	p;
	struct sol_capture	*c;
	char			err[ERR_LEN];

	if (argc < 6) {
		fprintf(stderr, "usage: solprobe probe|capture HOST:PORT USER "
		    "PASSFILE SOLWA [MS [steal]]\n");
		return 1;
	}
	ipmi_target_init(&t);
	memset(&s, 0, sizeof(s));
	s.console_bytes = SOL_CONSOLE_BYTES_DEFAULT;
	s.steal = argc > 7 && strcmp(argv[7], "steal") == 0;
	if (ipmi_target_set_addr(&t, argv[2], err) == -1 ||
	    ipmi_password_load(argv[4], t.password, sizeof(t.password),
	    err) == -1 || sol_workarounds_parse(argv[5], &s.workaround_flags,
	    err) == -1) {
		fprintf(stderr, "solprobe: %s\n", err);
		return 1;
	}
	snprintf(t.user, sizeof(t.user), "%s", argv[3]);
	t.privilege = 4;
	if (strcmp(argv[1], "probe") == 0) {
		sol_probe(&t, &s, 15000, &p);
		printf("sol=%d history=%d history_bytes=%zu elapsed_ms=%llu "
		    "reason=%s\n", p.sol, p.history, p.history_bytes,
		    (unsigned long long)p.elapsed_ms, p.reason);
		return 0;
	}
	if ((c = sol_capture_start(&t, &s, err)) == NULL) {
		fprintf(stderr, "solprobe: %s\n", err);
		return 1;
	}
	clock_sleep_ms(argc > 6 ? strtoull(argv[6], NULL, 10) : 2000);
	sol_capture_stop_and_collect(c, clock_mono_ms() + 3000, &r);
	fprintf(stderr, "bytes=%zu history=%d live=%d complete=%d "
	    "elapsed_ms=%llu reason=%s\n", r.len, r.history, r.live,
	    r.complete, (unsigned long long)r.elapsed_ms, r.reason);
	fwrite(r.data ? (void *)r.data : "", 1, r.len, stdout);
	sol_result_free(&r);
	return 0;
}
