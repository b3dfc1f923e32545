/*
 * version.c -- print hawatch's version and its libraries' versions.
 *
 * Run-time versions where the library can say (libvirt, the MariaDB
 * client, OpenSSL); build-time versions from the headers or pkg-config
 * otherwise (libconfig, libfreeipmi, libnfs), marked "(built with)".
 * Touches no configuration, database or network.
 */
#include <stdio.h>

#include <freeipmi/freeipmi.h>
#include <libconfig.h>
#include <libvirt/libvirt.h>
#include <mysql.h>
#include <openssl/crypto.h>

#include "version.h"

#ifndef HAWATCH_LIBNFS_VERSION
#define HAWATCH_LIBNFS_VERSION "unknown"	/* set by the Makefile */
#endif

#define XSTR(x)	STR(x)
#define STR(x)	#x

void
version_print(FILE *f, const char *hawatch_version)
{
	unsigned long	lv = 0;

	fprintf(f, "hawatch %s\n", hawatch_version);
	if (virGetVersion(&lv, NULL, NULL) == 0)
		fprintf(f, "  libvirt %lu.%lu.%lu\n", lv / 1000000,
		    lv / 1000 % 1000, lv % 1000);
	else
		fprintf(f, "  libvirt unknown\n");
	fprintf(f, "  libmariadb client %s\n", mysql_get_client_info());
	fprintf(f, "  OpenSSL %s\n", OpenSSL_version(OPENSSL_VERSION_STRING));
	fprintf(f, "  libconfig %d.%d.%d (built with)\n", LIBCONFIG_VER_MAJOR,
	    LIBCONFIG_VER_MINOR, LIBCONFIG_VER_REVISION);
	fprintf(f, "  libfreeipmi %s (built with)\n",
	    XSTR(FREEIPMI_PACKAGE_VERSION));
	fprintf(f, "  libnfs %s (built with)\n", HAWATCH_LIBNFS_VERSION);
}
