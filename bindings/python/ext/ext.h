/* ext.h — what the C files of the tether._tether extension share.
 *
 * Rules every file here keeps:
 *   - Python is entered only with the GIL held, and only from Python
 *     threads: tether's threads never call into Python. The only C callbacks
 *     tether runs (a blocking call's completion, the log sink) touch C
 *     state under a C mutex and wake a Python thread that waits with the GIL
 *     released.
 *   - No borrowed reference is held across a point where the GIL may be
 *     released or where Python code may run (a method call, a decref):
 *     a reference taken from a container is owned before it is used.
 *   - Every tether call that names a runtime is made with the GIL held and
 *     without releasing it, except tether_runtime_shutdown. So a destroy,
 *     made with the GIL held after shutdown has returned, never overlaps
 *     another call naming the runtime (the rule of tether/runtime.h). */
#ifndef TETHER_PY_EXT_H
#define TETHER_PY_EXT_H

/* Python.h first, as Python's documentation asks (it sets feature macros
 * the C library's headers read); then what the C files use. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
/* The C library and tether. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tether/tether.h>
#include <time.h>

/* Bumped in the child of every fork(): objects made under another value
 * belong to the parent, and the child never hands them to tether. */
extern volatile unsigned tpy_fork_generation;

/* Builds the exception for a status (the Python layer registers the
 * factory at import: tether.errors.from_status). Returns a new reference,
 * or NULL with an exception set. `message` may be NULL. */
PyObject* tpy_error_new(tether_status status, int32_t library_code,
                        const char* message);

/* Sets the exception for `status` and returns NULL. */
PyObject* tpy_raise(tether_status status, const char* message);

/* As tpy_raise, with tether's error buffer as the message; frees it. */
PyObject* tpy_raise_owned(tether_status status, char* error);

/* Interned method names used on futures. */
extern PyObject* tpy_str_set_result;
extern PyObject* tpy_str_set_exception;
extern PyObject* tpy_str_cancelled;

/* The runtime: a tether_runtime* and who keeps its library table alive. */
typedef struct {
  PyObject_HEAD tether_runtime* rt;
  PyObject* owner; /* keeps a capsule's library table alive, or NULL */
  unsigned fork_generation;
  int shut_down;
} tpy_core;

extern PyTypeObject tpy_core_type;
extern PyTypeObject tpy_queue_type;

/* Returns rt, or sets Closed/Forked and returns NULL. */
tether_runtime* tpy_core_runtime(tpy_core* core);

/* Reads a payload argument: any object with the buffer protocol (the view
 * must be released with PyBuffer_Release) or None (empty). */
int tpy_payload_get(PyObject* obj, Py_buffer* view);

/* Fills a tether_call from the positional arguments shared by every submit:
 * method, key, timeout_ns. */
int tpy_call_fill(tether_call* call, PyObject* method, PyObject* key,
                  PyObject* timeout_ns, const Py_buffer* payload);

/* Makes the result of a completion: for TETHER_OK bytes (the tether buffer
 * is freed) or, with `view`, a memoryview over the tether buffer (freed
 * with the last view); the exception instance otherwise (the error buffer
 * is freed). *is_error says which. New reference, or NULL with an
 * exception set (the buffers are freed or owned in every case). */
PyObject* tpy_outcome(tether_completion* completion, int view, int* is_error);

/* A memoryview over a tether buffer, which it owns (view.c). */
PyObject* tpy_view_new(void* data, size_t len);
extern PyTypeObject tpy_buffer_type;

/* Frees what a completion owns. */
void tpy_completion_free(tether_completion* completion);

/* Module functions defined in log.c. */
PyObject* tpy_log_install(PyObject* self, PyObject* args);
PyObject* tpy_log_uninstall(PyObject* self, PyObject* args);
PyObject* tpy_log_wait(PyObject* self, PyObject* args);
PyObject* tpy_log_stop(PyObject* self, PyObject* args);
void tpy_log_after_fork_child(void);

/* Module functions defined in buffer.c. */
PyObject* tpy_buffers_live(PyObject* self, PyObject* args);
PyObject* tpy_buffers_set_mode(PyObject* self, PyObject* args);
PyObject* tpy_buffers_mode(PyObject* self, PyObject* args);
PyObject* tpy_buffers_set_growth_threshold(PyObject* self, PyObject* args);
PyObject* tpy_buffers_check_all(PyObject* self, PyObject* args);

#endif /* TETHER_PY_EXT_H */
