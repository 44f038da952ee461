"""A ThingsDB WebSocket client written from the protocol reference alone, to check the endpoint
independently of tremolo: one binary message per package, an 8-byte header (payload size u32 LE,
package id u16 LE, type u8, type XOR 0xff) before a MessagePack payload.

Usage: python3 thingsdb_client.py URL [SUBPROTOCOL]. It prints one JSON line per step; after the
"joined" line it waits for an ON_ROOM_EMIT that someone else sends to that room.
Needs Debian's python3-websockets and python3-msgpack."""

import asyncio
import json
import struct
import sys

import msgpack
import websockets

PING, AUTH, QUERY, RUN, JOIN, LEAVE, EMIT = 32, 33, 34, 37, 38, 39, 40
TIMEOUT = 5


def package(pid, tp, value=None):
    data = b"" if value is None else msgpack.packb(value)
    return struct.pack("<IHBB", len(data), pid, tp, tp ^ 0xFF) + data


def unpackage(message):
    size, pid, tp, check = struct.unpack_from("<IHBB", message)
    assert check == tp ^ 0xFF, f"bad check byte in {message.hex()}"
    assert size == len(message) - 8, f"size {size} for {len(message) - 8} bytes"
    return pid, tp, msgpack.unpackb(message[8:]) if size else None


def say(step, **fields):
    print(json.dumps({"step": step, **fields}), flush=True)


async def main(url, protocol):
    subprotocols = [protocol] if protocol else None
    async with websockets.connect(url, subprotocols=subprotocols) as ws:
        async def ask(pid, tp, value=None):
            await ws.send(package(pid, tp, value))
            return await receive()

        async def receive():
            pid, tp, value = unpackage(await asyncio.wait_for(ws.recv(), TIMEOUT))
            return {"id": pid, "type": tp, "value": value}

        say("subprotocol", value=ws.subprotocol)
        say("query before auth", **await ask(1, QUERY, ["@t", "1 + 1;"]))
        say("ping", **await ask(2, PING))
        say("auth", **await ask(3, AUTH, ["admin", "pass"]))
        say("query", **await ask(4, QUERY, ["@t", "1 + 1;"]))
        say("query with vars", **await ask(5, QUERY, ["//stuff", ".greeting + name;", {"name": ", python"}]))
        say("run", **await ask(6, RUN, ["//stuff", "add_one", [41]]))
        say("error", **await ask(7, QUERY, ["//stuff", "nope;"]))
        joined = await ask(8, JOIN, ["//stuff", "py-room"])
        say("join", **joined)
        say("on join", **await receive())
        room = joined["value"][0]
        await ws.send(package(9, EMIT, ["//stuff", room, "hello", "from", "python"]))
        say("own emit", **await receive())
        say("emit", **await receive())
        say("joined", room=room)
        say("other's emit", **await receive())
        await ws.send(package(10, LEAVE, ["//stuff", room]))
        say("on leave", **await receive())
        say("leave", **await receive())


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
