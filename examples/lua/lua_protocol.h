/* lua_protocol.h — the methods and wire format of the Lua example library.
 *
 * The library serves Lua 5.4 through tether: each lane owns one lua_State,
 * created in lane start and closed in lane stop, so a VM is only ever
 * touched by its lane. A host loads it with
 * tether_runtime_open_path(path, TETHER_LUA_ENTRY_SYMBOL, ...).
 *
 * Values. Integers are little-endian. A value is a one-byte tag and a body:
 *
 *   TETHER_LUA_NIL      (0)  no body
 *   TETHER_LUA_FALSE    (1)  no body
 *   TETHER_LUA_TRUE     (2)  no body
 *   TETHER_LUA_INTEGER  (3)  i64
 *   TETHER_LUA_NUMBER   (4)  IEEE 754 double, its 8 bytes little-endian
 *   TETHER_LUA_STRING   (5)  u32 byte count, the bytes (any bytes, no NUL)
 *   TETHER_LUA_TABLE    (6)  u32 pair count, then each pair as a key value
 *                            and a value value; keys and values are scalars
 *                            (no table inside a table), keys are not nil
 *
 * A value list is a u32 count followed by that many values. A "name" is a
 * u32 byte count and the bytes.
 *
 *   method                  payload                        reply (TETHER_OK)
 *   TETHER_LUA_METHOD_LOAD  u64 budget, name chunkname,    value list: the
 *                           the chunk's source (the rest)  chunk's results
 *   TETHER_LUA_METHOD_CALL  u64 budget, name function,     value list: its
 *                           value list of arguments        results
 *   TETHER_LUA_METHOD_GC    u8 TETHER_LUA_GC_COUNT or      value list: VM
 *                           TETHER_LUA_GC_COLLECT          bytes, stack top,
 *                                                          registry entries
 *   TETHER_LUA_METHOD_INFO  empty                          value list: lane,
 *                           calls this VM ran, thread violations, VMs
 *                           created, VMs alive (the last three process-wide)
 *
 * LOAD runs a text chunk (binary chunks are refused) on the lane the call's
 * key selects, so a host that wants a chunk on every lane sends one LOAD per
 * lane, with a key for each (INFO says which lane a key reaches). CALL calls
 * the global function of that name. A payload must be consumed exactly: a
 * short payload, a count past its end or bytes left over are refused with
 * TETHER_LUA_ERR_BAD_PAYLOAD.
 *
 * Budget. LOAD and CALL run under an instruction-count hook: past `budget`
 * VM instructions (0: TETHER_LUA_DEFAULT_BUDGET) the script is stopped with
 * TETHER_LUA_ERR_BUDGET, so a runaway script cannot pin a lane. The same
 * hook checks the call's cancelled flag, so a cancelled call or one past its
 * deadline stops its script too (the host sees TETHER_E_CANCELLED or
 * TETHER_E_DEADLINE). Once stopped, a script is stopped again at every
 * instruction, so catching the stop with pcall does not keep it running.
 *
 * Scripts see a table `tether`: tether.lane (this lane's index) and
 * tether.watch(t, name), which returns t and adds its entries to the gauge
 * "lua table 'name'" (see the gauges below). At most
 * TETHER_LUA_MAX_WATCH_NAMES names per lane.
 *
 * Gauges, on every lane, for tether's growth watch: "lua stack top" and
 * "lua memory KiB" (lua_gc(LUA_GCCOUNT)), set after each call; "lua
 * registry entries" and one "lua table 'NAME'" per watched name (the
 * entries of the live tables watched under it), counted by walking the
 * tables, so set after a call once the calls since the last count reach
 * 1/64 of the entries counted then (a growing table is seen at each
 * boundary, at most that many calls late).
 *
 * Errors come back as TETHER_E_LIBRARY with one of the TETHER_LUA_ERR_*
 * codes in completion->library_code and a message in completion->error: for
 * a Lua error, its message and traceback. */
#ifndef TETHER_LUA_PROTOCOL_H
#define TETHER_LUA_PROTOCOL_H

#include <stdint.h>

/* The exported tether_library_entry_fn. */
#define TETHER_LUA_ENTRY_SYMBOL "tether_lua_library"

#define TETHER_LUA_METHOD_LOAD ((uint32_t)1)
#define TETHER_LUA_METHOD_CALL ((uint32_t)2)
#define TETHER_LUA_METHOD_GC ((uint32_t)3)
#define TETHER_LUA_METHOD_INFO ((uint32_t)4)

#define TETHER_LUA_NIL ((uint8_t)0)
#define TETHER_LUA_FALSE ((uint8_t)1)
#define TETHER_LUA_TRUE ((uint8_t)2)
#define TETHER_LUA_INTEGER ((uint8_t)3)
#define TETHER_LUA_NUMBER ((uint8_t)4)
#define TETHER_LUA_STRING ((uint8_t)5)
#define TETHER_LUA_TABLE ((uint8_t)6)

/* GC payloads. */
#define TETHER_LUA_GC_COUNT ((uint8_t)0)
#define TETHER_LUA_GC_COLLECT ((uint8_t)1)

/* Instructions a LOAD or CALL with budget 0 may run (a few tenths of a
 * second on a current CPU). */
#define TETHER_LUA_DEFAULT_BUDGET ((uint64_t)100000000u)
/* The hook runs every this many instructions: a budget is enforced to
 * within this many. */
#define TETHER_LUA_HOOK_EVERY 1000
/* Watched-table names per lane. */
#define TETHER_LUA_MAX_WATCH_NAMES 64
/* Memory one VM may hold; past it an allocation fails (a Lua memory
 * error). */
#define TETHER_LUA_MAX_VM_BYTES ((uint64_t)1 << 30)

/* A Lua runtime error (error(), a bad operation): message and traceback. */
#define TETHER_LUA_ERR_RUNTIME ((int32_t)1)
/* A chunk that does not compile, or a binary chunk. */
#define TETHER_LUA_ERR_SYNTAX ((int32_t)2)
/* The VM ran out of memory (or past TETHER_LUA_MAX_VM_BYTES). */
#define TETHER_LUA_ERR_MEMORY ((int32_t)3)
/* The script ran past its instruction budget and was stopped. */
#define TETHER_LUA_ERR_BUDGET ((int32_t)4)
/* The call was cancelled or passed its deadline; the script was stopped.
 * The host sees tether's status instead: the call had already ended. */
#define TETHER_LUA_ERR_CANCELLED ((int32_t)5)
/* A payload that does not follow the wire format. */
#define TETHER_LUA_ERR_BAD_PAYLOAD ((int32_t)6)
/* CALL of a global that is not a function. */
#define TETHER_LUA_ERR_NO_FUNCTION ((int32_t)7)
/* A result the wire format cannot carry (a function, a nested table). */
#define TETHER_LUA_ERR_BAD_RESULT ((int32_t)8)
/* A method id not listed above. */
#define TETHER_LUA_ERR_UNKNOWN_METHOD ((int32_t)9)

#endif /* TETHER_LUA_PROTOCOL_H */
