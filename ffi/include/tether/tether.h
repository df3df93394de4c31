/* tether/tether.h — the host side of tether, in one include.
 *
 * tether pins a native library onto threads it owns ("lanes") and lets any
 * thread call it: submit never blocks, results come back through a callback
 * or a completion queue, and every call completes exactly once.
 *
 * Conventions (ownership marks, the thread-safety vocabulary, errors as
 * values) are stated once in tether/types.h. */
#ifndef TETHER_TETHER_H
#define TETHER_TETHER_H

#include "tether/buffer.h"
#include "tether/call.h"
#include "tether/cq.h"
#include "tether/crash.h"
#include "tether/handle.h"
#include "tether/log.h"
#include "tether/recorder.h"
#include "tether/runtime.h"
#include "tether/stats.h"
#include "tether/status.h"
#include "tether/stream.h"
#include "tether/types.h"
#include "tether/version.h"

#endif /* TETHER_TETHER_H */
