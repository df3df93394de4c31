/* probes.h — bad inputs sent on purpose: malformed payloads, an unknown
 * method, a key sent to the wrong lane, an absent key. Each must come back
 * as TETHER_E_LIBRARY with the kvstore code that names the problem and a
 * message, and the lane must carry on serving. */
#ifndef KVSTORE_DEMO_PROBES_H
#define KVSTORE_DEMO_PROBES_H

#include "tether/tether.h"

/* Sends every probe through a callback, waits for the answers and prints
 * one line per probe. Returns how many were answered wrongly (or not at
 * all). */
int probes_run(tether_runtime* runtime);

#endif /* KVSTORE_DEMO_PROBES_H */
