"""The asyncio path of the binding written with cffi in API mode instead of
the C extension, for the benchmark to compare: the same completion queue,
eventfd and add_reader, with the drain loop in Python. Built on first use
into the folder given to build()."""

from __future__ import annotations

import asyncio
import importlib
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Optional

CDEF = """
typedef int32_t tether_status;
typedef struct tether_runtime tether_runtime;
typedef struct tether_cq tether_cq;
typedef struct tether_call {
  size_t struct_size; uint32_t method; uint32_t flags; uint64_t key;
  uint64_t timeout_ns; const void* payload; size_t payload_len;
} tether_call;
typedef struct tether_completion {
  size_t struct_size; uint64_t user_data; uint64_t ticket; tether_status status;
  int32_t library_code; void* result; size_t result_len; char* error; size_t error_len;
  ...;
} tether_completion;
void tether_call_init(tether_call* call);
tether_status tether_runtime_open_path(const char* path, const char* symbol,
    const void* config, tether_runtime** runtime_out, char** error_out);
tether_status tether_runtime_destroy(tether_runtime* runtime);
tether_status tether_cq_open(tether_runtime* runtime, tether_cq** cq_out);
int tether_cq_fd(const tether_cq* cq);
tether_status tether_cq_reset_fd(tether_cq* cq);
tether_status tether_cq_poll(tether_cq* cq, void* out, size_t elem_size, size_t max,
    uint64_t timeout_ns, size_t* count_out);
void tether_cq_destroy(tether_cq* cq);
tether_status tether_submit_cq(tether_runtime* runtime, const tether_call* call,
    tether_cq* cq, uint64_t tag, uint64_t* ticket_out);
tether_status tether_buf_free(void* data);
"""

BATCH = 128


def build(out_dir: Path) -> Any:
    """Compiles the module (once) and imports it."""
    import cffi  # type: ignore[import-untyped]

    out_dir.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(out_dir))
    try:
        return importlib.import_module("_tether_cffi")
    except ImportError:
        pass

    def pkg(flag: str) -> "list[str]":
        return shlex.split(subprocess.run(["pkg-config", flag, "tether"], check=True,
                                          capture_output=True, text=True).stdout)

    cflags, libs = pkg("--cflags"), pkg("--libs")
    libdirs = [w[2:] for w in libs if w.startswith("-L")]
    ffi = cffi.FFI()
    ffi.cdef(CDEF)
    ffi.set_source(
        "_tether_cffi", "#include <tether/tether.h>",
        include_dirs=[w[2:] for w in cflags if w.startswith("-I")],
        library_dirs=libdirs, runtime_library_dirs=libdirs,
        libraries=[w[2:] for w in libs if w.startswith("-l")],
        extra_compile_args=["-O2"],
    )
    ffi.compile(tmpdir=str(out_dir), verbose=False)
    return importlib.import_module("_tether_cffi")


class Runtime:
    """Just enough of a runtime for the benchmark: open, await call, close."""

    def __init__(self, module: Any, path: str, symbol: str) -> None:
        self.ffi, self.lib = module.ffi, module.lib
        out = self.ffi.new("tether_runtime**")
        error = self.ffi.new("char**")
        status = self.lib.tether_runtime_open_path(path.encode(), symbol.encode(),
                                                   self.ffi.NULL, out, error)
        if status != 0:
            raise RuntimeError(self.ffi.string(error[0]).decode())
        self.rt = out[0]
        self.channels: Dict[asyncio.AbstractEventLoop, "Channel"] = {}

    def call(self, method: int, payload: bytes = b"", copy: bool = True) -> "asyncio.Future[Any]":
        loop = asyncio.get_running_loop()
        channel = self.channels.get(loop)
        if channel is None:
            channel = self.channels[loop] = Channel(self, loop)
        return channel.submit(method, payload, copy)

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()
        self.lib.tether_runtime_destroy(self.rt)


class Channel:
    def __init__(self, runtime: Runtime, loop: asyncio.AbstractEventLoop) -> None:
        ffi, lib = runtime.ffi, runtime.lib
        self.ffi, self.lib, self.rt, self.loop = ffi, lib, runtime.rt, loop
        out = ffi.new("tether_cq**")
        if lib.tether_cq_open(self.rt, out) != 0:
            raise RuntimeError("tether_cq_open failed")
        self.cq = out[0]
        self.batch = ffi.new("tether_completion[]", BATCH)
        self.count = ffi.new("size_t*")
        self.call_struct = ffi.new("tether_call*")
        lib.tether_call_init(self.call_struct)
        self.ticket = ffi.new("uint64_t*")
        self.waiting: Dict[int, "tuple[asyncio.Future[Any], bool]"] = {}
        self.next_tag = 1
        self.fd = lib.tether_cq_fd(self.cq)
        loop.add_reader(self.fd, self.drain)

    def submit(self, method: int, payload: bytes, copy: bool) -> "asyncio.Future[Any]":
        future = self.loop.create_future()
        tag = self.next_tag
        self.next_tag += 1
        call = self.call_struct
        call.method = method
        call.payload = self.ffi.from_buffer(payload) if payload else self.ffi.NULL
        call.payload_len = len(payload)
        status = self.lib.tether_submit_cq(self.rt, call, self.cq, tag, self.ticket)
        if status != 0:
            raise RuntimeError(f"submit: status {status}")
        self.waiting[tag] = (future, copy)
        return future

    def drain(self) -> None:
        ffi, lib, batch, count = self.ffi, self.lib, self.batch, self.count
        size = ffi.sizeof("tether_completion")
        lib.tether_cq_reset_fd(self.cq)
        while True:
            lib.tether_cq_poll(self.cq, batch, size, BATCH, 0, count)
            n = count[0]
            for i in range(n):
                c = batch[i]
                future, copy = self.waiting.pop(c.user_data)
                if c.status == 0:
                    if c.result == ffi.NULL:
                        value: Any = b""
                    elif copy:
                        value = ffi.unpack(ffi.cast("char*", c.result), c.result_len)
                        lib.tether_buf_free(c.result)
                    else:  # zero-copy: the buffer is freed when the view dies
                        owned = ffi.gc(ffi.cast("char*", c.result), lib.tether_buf_free)
                        value = memoryview(ffi.buffer(owned, c.result_len))
                    future.set_result(value)
                else:
                    lib.tether_buf_free(c.error)
                    future.set_exception(RuntimeError(f"status {c.status}"))
            if n < BATCH:
                return

    def close(self) -> None:
        if not self.loop.is_closed():
            self.loop.remove_reader(self.fd)
        self.lib.tether_cq_destroy(self.cq)
