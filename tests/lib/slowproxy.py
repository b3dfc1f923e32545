#!/usr/bin/env python3
# slowproxy.py -- a TCP proxy that, while FLAG exists, holds every chunk
# the server sends for DELAY seconds: a database brownout where every
# statement is slow but still succeeds (t_daemon_db_brownout.sh).
#   slowproxy.py LISTEN_PORT UPSTREAM_PORT DELAY FLAG   (127.0.0.1 only)
import asyncio
import os
import sys

LPORT, UPORT, DELAY, FLAG = int(sys.argv[1]), int(sys.argv[2]), \
    float(sys.argv[3]), sys.argv[4]


async def pump(reader, writer, slow):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if slow and os.path.exists(FLAG):
                await asyncio.sleep(DELAY)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def serve(creader, cwriter):
    try:
        ureader, uwriter = await asyncio.open_connection("127.0.0.1", UPORT)
    except OSError:
        cwriter.close()
        return
    await asyncio.gather(pump(creader, uwriter, False),
                         pump(ureader, cwriter, True))


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", LPORT)
    async with server:
        await server.serve_forever()

asyncio.run(main())
