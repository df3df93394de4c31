/* core.c — tether._tether.Core: one tether_runtime, and the calls that need
 * no completion queue (a blocking call, cancel, stats, the leak report).
 *
 * Thread safety: every method runs with the GIL held; only open, shutdown,
 * destroy and the waits of call_sync release it, and none of those waits
 * touches the runtime. */
#include "ext.h"

tether_runtime* tpy_core_runtime(tpy_core* core) {
  if (core->fork_generation != tpy_fork_generation) {
    tpy_raise(TETHER_E_FORKED,
              "this runtime was opened before fork(); open a new one in the "
              "child");
    return NULL;
  }
  if (core->rt == NULL) {
    tpy_raise(TETHER_E_CLOSED, "the runtime is closed");
    return NULL;
  }
  return core->rt;
}

/* config: (lanes, pin_lanes, deliver, max_calls_in_flight,
 * max_bytes_in_flight, max_payload_bytes, spin_ns, growth_threshold,
 * leak_check, buffer_debug, recorder_entries, capture_max_payload,
 * capture_bytes, capture_dir or None), as tether.Config.as_tuple() gives
 * it. capture_dir points into the tuple's string: the tuple must outlive
 * the open, which copies it. */
static int config_parse(PyObject* tuple, tether_runtime_config* config) {
  unsigned int lanes, max_calls, recorder_entries, capture_max_payload;
  int pin, deliver, leak_check, buffer_debug;
  unsigned long long max_bytes, max_payload, spin, growth, capture_bytes;
  const char* capture_dir = NULL;
  tether_runtime_config_init(config);
  if (!PyArg_ParseTuple(tuple, "IiiIKKKKiiIIKz;config", &lanes, &pin, &deliver,
                        &max_calls, &max_bytes, &max_payload, &spin, &growth,
                        &leak_check, &buffer_debug, &recorder_entries,
                        &capture_max_payload, &capture_bytes, &capture_dir)) {
    return -1;
  }
  config->recorder_entries = recorder_entries;
  config->capture_max_payload = capture_max_payload;
  config->capture_bytes = capture_bytes;
  config->capture_dir = capture_dir;
  config->lanes = lanes;
  config->pin_lanes = pin;
  config->deliver = deliver;
  config->max_calls_in_flight = max_calls;
  config->max_bytes_in_flight = max_bytes;
  config->max_payload_bytes = max_payload;
  config->spin_ns = spin;
  config->growth_threshold = growth;
  config->leak_check = leak_check;
  config->buffer_debug = buffer_debug;
  return 0;
}

static PyObject* core_new(tether_runtime* rt, PyObject* owner) {
  tpy_core* core = PyObject_New(tpy_core, &tpy_core_type);
  if (core == NULL) {
    PyThreadState* save = PyEval_SaveThread();
    tether_runtime_destroy(rt);
    PyEval_RestoreThread(save);
    return NULL;
  }
  core->rt = rt;
  core->owner = Py_XNewRef(owner);
  core->fork_generation = tpy_fork_generation;
  core->shut_down = 0;
  return (PyObject*)core;
}

static PyObject* core_open_path(PyObject* cls, PyObject* args) {
  PyObject* path_obj = NULL;
  const char* symbol;
  PyObject* config_tuple;
  tether_runtime_config config;
  tether_runtime* rt = NULL;
  char* error = NULL;
  tether_status status;
  PyObject* result;
  (void)cls;
  if (!PyArg_ParseTuple(args, "O&sO!", PyUnicode_FSConverter, &path_obj,
                        &symbol, &PyTuple_Type, &config_tuple)) {
    return NULL;
  }
  if (config_parse(config_tuple, &config) < 0) {
    Py_DECREF(path_obj);
    return NULL;
  }
  {
    const char* path = PyBytes_AS_STRING(path_obj);
    PyThreadState* save = PyEval_SaveThread();
    status = tether_runtime_open_path(path, symbol, &config, &rt, &error);
    PyEval_RestoreThread(save);
  }
  Py_DECREF(path_obj);
  if (status != TETHER_OK) return tpy_raise_owned(status, error);
  result = core_new(rt, NULL);
  return result;
}

/* The library table from a capsule named "tether.library" or an address. */
static const tether_library* library_pointer(PyObject* obj) {
  if (PyCapsule_CheckExact(obj)) {
    return (const tether_library*)PyCapsule_GetPointer(obj, "tether.library");
  }
  if (PyLong_Check(obj)) {
    void* p = PyLong_AsVoidPtr(obj);
    if (p == NULL && !PyErr_Occurred()) {
      PyErr_SetString(PyExc_ValueError, "the library address is 0");
    }
    return (const tether_library*)p;
  }
  PyErr_Format(PyExc_TypeError,
               "a library is a capsule named 'tether.library' or an int "
               "address, not %.100s",
               Py_TYPE(obj)->tp_name);
  return NULL;
}

static PyObject* core_open_library(PyObject* cls, PyObject* args) {
  PyObject *library_obj, *config_tuple, *owner;
  const tether_library* library;
  tether_runtime_config config;
  tether_runtime* rt = NULL;
  char* error = NULL;
  tether_status status;
  PyThreadState* save;
  (void)cls;
  if (!PyArg_ParseTuple(args, "OO!O", &library_obj, &PyTuple_Type,
                        &config_tuple, &owner)) {
    return NULL;
  }
  library = library_pointer(library_obj);
  if (library == NULL) return NULL;
  if (config_parse(config_tuple, &config) < 0) return NULL;
  save = PyEval_SaveThread();
  status = tether_runtime_open(library, &config, &rt, &error);
  PyEval_RestoreThread(save);
  if (status != TETHER_OK) return tpy_raise_owned(status, error);
  return core_new(rt, owner == Py_None ? library_obj : owner);
}

static PyObject* core_shutdown(tpy_core* self, PyObject* args) {
  int mode;
  unsigned long long timeout_ns;
  tether_status status;
  tether_runtime* rt;
  PyThreadState* save;
  if (!PyArg_ParseTuple(args, "iK", &mode, &timeout_ns)) return NULL;
  rt = tpy_core_runtime(self);
  if (rt == NULL) return NULL;
  save = PyEval_SaveThread();
  status = tether_runtime_shutdown(rt, (int32_t)mode, (uint64_t)timeout_ns);
  PyEval_RestoreThread(save);
  if (status != TETHER_OK) {
    return tpy_raise(status, "shutdown refused");
  }
  self->shut_down = 1;
  Py_RETURN_NONE;
}

/* Frees the runtime. In a forked child the handle is abandoned (its threads
 * and locks are the parent's). Returns the status; never raises. */
static PyObject* core_destroy(tpy_core* self, PyObject* unused) {
  tether_status status = TETHER_OK;
  tether_runtime* rt = self->rt;
  PyThreadState* save;
  (void)unused;
  if (rt == NULL) return PyLong_FromLong(TETHER_OK);
  if (self->fork_generation != tpy_fork_generation) {
    self->rt = NULL;
    return PyLong_FromLong(TETHER_E_FORKED);
  }
  save = PyEval_SaveThread();
  status = tether_runtime_destroy(rt);
  PyEval_RestoreThread(save);
  if (status != TETHER_E_WOULD_DEADLOCK) self->rt = NULL;
  return PyLong_FromLong(status);
}

static PyObject* core_cancel(tpy_core* self, PyObject* ticket) {
  unsigned long long value = PyLong_AsUnsignedLongLong(ticket);
  if (value == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
  if (self->rt == NULL) return PyLong_FromLong(TETHER_E_CLOSED);
  if (self->fork_generation != tpy_fork_generation) {
    return PyLong_FromLong(TETHER_E_FORKED);
  }
  return PyLong_FromLong(tether_cancel(self->rt, (uint64_t)value));
}

/* A blocking call's meeting point: tether's callback fills it and signals;
 * the Python thread waits on it with the GIL released. It lives on the
 * caller's stack: the callback's last touch is the unlock, after which the
 * waiter may return (glibc supports destroying a mutex right after another
 * thread's unlock, as POSIX requires). */
typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int done;
  tether_completion completion;
} sync_waiter;

static void sync_done(tether_completion* completion) {
  sync_waiter* w = (sync_waiter*)(uintptr_t)completion->user_data;
  pthread_mutex_lock(&w->mu);
  w->completion = *completion;
  __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
}

/* How long call_sync watches for a completion before it sleeps (the
 * benchmark sets it to compare). */
static uint64_t sync_spin_ns = 10000;

static PyObject* set_sync_spin_ns(PyObject* cls, PyObject* arg) {
  unsigned long long ns = PyLong_AsUnsignedLongLong(arg);
  (void)cls;
  if (ns == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
  sync_spin_ns = (uint64_t)ns;
  Py_RETURN_NONE;
}

static uint64_t monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* Waits for the callback with the GIL released, waking every 100 ms to let
 * the main thread run signal handlers. On the first exception a handler
 * raises, cancels the call in tether and waits on for its completion (the
 * waiter is on this stack), leaving the exception set. Returns -1 when an
 * exception is set. */
static int sync_wait(tpy_core* self, sync_waiter* w, uint64_t ticket) {
  int interrupted = 0;
  /* A fast call is back within microseconds: watch for it briefly before
   * sleeping, which spares the lane a futex wake-up. The lock taken after
   * seeing it done waits for the callback to let go of the waiter. */
  {
    PyThreadState* save = PyEval_SaveThread();
    uint64_t until = monotonic_ns() + sync_spin_ns;
    int done;
    do {
      done = __atomic_load_n(&w->done, __ATOMIC_ACQUIRE);
    } while (!done && monotonic_ns() < until);
    if (done) {
      pthread_mutex_lock(&w->mu);
      pthread_mutex_unlock(&w->mu);
    }
    PyEval_RestoreThread(save);
    if (done) return 0;
  }
  for (;;) {
    int done;
    struct timespec until;
    PyThreadState* save = PyEval_SaveThread();
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += 100000000;
    if (until.tv_nsec >= 1000000000) {
      until.tv_sec += 1;
      until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&w->mu);
    while (!w->done) {
      if (interrupted) {
        pthread_cond_wait(&w->cv, &w->mu);
      } else if (pthread_cond_timedwait(&w->cv, &w->mu, &until) == ETIMEDOUT) {
        break;
      }
    }
    done = w->done;
    pthread_mutex_unlock(&w->mu);
    PyEval_RestoreThread(save);
    if (done) return interrupted ? -1 : 0;
    if (!interrupted && PyErr_CheckSignals() < 0) {
      interrupted = 1;
      if (self->rt != NULL) tether_cancel(self->rt, ticket);
    }
  }
}

/* Sleeps for ns with the GIL released. Returns -1 if a signal handler
 * raised. */
static int nap(uint64_t ns) {
  struct timespec pause;
  PyThreadState* save;
  pause.tv_sec = (time_t)(ns / 1000000000u);
  pause.tv_nsec = (long)(ns % 1000000000u);
  save = PyEval_SaveThread();
  nanosleep(&pause, NULL);
  PyEval_RestoreThread(save);
  return PyErr_CheckSignals();
}

/* call_sync(method, payload, key, timeout_ns, wait_for_credit, view)
 * -> bytes | memoryview */
static PyObject* core_call_sync(tpy_core* self, PyObject* const* args,
                                Py_ssize_t nargs) {
  Py_buffer payload;
  tether_call call;
  sync_waiter w;
  pthread_condattr_t attr;
  tether_status status;
  uint64_t ticket = 0, deadline, backoff = 20000;
  int wait_for_credit, view, is_error;
  PyObject* value;
  if (nargs != 6) {
    PyErr_SetString(PyExc_TypeError, "call_sync takes 6 arguments");
    return NULL;
  }
  wait_for_credit = PyObject_IsTrue(args[4]);
  if (wait_for_credit < 0) return NULL;
  view = PyObject_IsTrue(args[5]);
  if (view < 0) return NULL;
  if (tpy_payload_get(args[1], &payload) < 0) return NULL;
  if (tpy_call_fill(&call, args[0], args[2], args[3], &payload) < 0) {
    PyBuffer_Release(&payload);
    return NULL;
  }
  pthread_mutex_init(&w.mu, NULL);
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&w.cv, &attr);
  pthread_condattr_destroy(&attr);
  w.done = 0;
  deadline = call.timeout_ns ? monotonic_ns() + call.timeout_ns : 0;
  for (;;) {
    tether_runtime* rt = tpy_core_runtime(self);
    if (rt == NULL) goto fail;
    status =
        tether_submit(rt, &call, sync_done, (uint64_t)(uintptr_t)&w, &ticket);
    if (status != TETHER_E_BUSY || !wait_for_credit) break;
    if (deadline != 0) {
      uint64_t now = monotonic_ns();
      if (now >= deadline) goto no_credit;
      if (deadline - now < backoff) backoff = deadline - now;
    }
    if (nap(backoff) < 0) goto fail;
    if (backoff < 1000000) backoff *= 2;
    if (deadline != 0) {
      uint64_t now = monotonic_ns();
      if (now >= deadline) goto no_credit;
      call.timeout_ns = deadline - now;
    }
  }
  PyBuffer_Release(&payload);
  if (status != TETHER_OK) {
    pthread_cond_destroy(&w.cv);
    pthread_mutex_destroy(&w.mu);
    return tpy_raise(status, NULL);
  }
  if (sync_wait(self, &w, ticket) < 0) {
    tpy_completion_free(&w.completion);
    value = NULL;
  } else {
    value = tpy_outcome(&w.completion, view, &is_error);
    if (value != NULL && is_error) {
      PyErr_SetObject((PyObject*)Py_TYPE(value), value);
      Py_CLEAR(value);
    }
  }
  pthread_cond_destroy(&w.cv);
  pthread_mutex_destroy(&w.mu);
  return value;
no_credit:
  tpy_raise(TETHER_E_DEADLINE, "no credit came back before the timeout");
fail:
  PyBuffer_Release(&payload);
  pthread_cond_destroy(&w.cv);
  pthread_mutex_destroy(&w.mu);
  return NULL;
}

static PyObject* core_stats(tpy_core* self, PyObject* unused) {
  tether_stats s;
  tether_status status;
  (void)unused;
  if (self->rt == NULL || self->fork_generation != tpy_fork_generation) {
    if (tpy_core_runtime(self) == NULL) return NULL;
  }
  tether_stats_init(&s);
  status = tether_runtime_stats(self->rt, &s);
  if (status != TETHER_OK) return tpy_raise(status, "stats refused");
  return Py_BuildValue(
      "(KKKKKKKKKKKIKKKKKKK)", (unsigned long long)s.submitted,
      (unsigned long long)s.rejected_busy, (unsigned long long)s.completed_ok,
      (unsigned long long)s.completed_library,
      (unsigned long long)s.completed_cancelled,
      (unsigned long long)s.completed_deadline,
      (unsigned long long)s.completed_closed, (unsigned long long)s.in_flight,
      (unsigned long long)s.bytes_in_flight, (unsigned long long)s.late_replies,
      (unsigned long long)s.callback_exceptions, (unsigned int)s.lanes,
      (unsigned long long)s.queue_depth, (unsigned long long)s.cq_backlog,
      (unsigned long long)s.buffers_live,
      (unsigned long long)s.buffer_bytes_live,
      (unsigned long long)s.latency_p50_ns,
      (unsigned long long)s.latency_p99_ns,
      (unsigned long long)s.latency_p999_ns);
}

static PyObject* core_leak_report(tpy_core* self, PyObject* unused) {
  char* report = NULL;
  uint64_t findings = 0;
  tether_status status;
  PyObject* text;
  PyObject* result;
  (void)unused;
  if (tpy_core_runtime(self) == NULL) return NULL;
  status = tether_runtime_leak_report(self->rt, &report, &findings);
  if (status != TETHER_OK) return tpy_raise(status, "leak report refused");
  text = PyUnicode_DecodeUTF8(report, (Py_ssize_t)strlen(report), "replace");
  tether_buf_free(report);
  if (text == NULL) return NULL;
  result = Py_BuildValue("(NK)", text, (unsigned long long)findings);
  return result;
}

/* dump_recording(fd, with_payloads) -> None */
static PyObject* core_dump_recording(tpy_core* self, PyObject* args) {
  int fd;
  int with_payloads;
  tether_status status;
  if (!PyArg_ParseTuple(args, "ip", &fd, &with_payloads)) return NULL;
  if (tpy_core_runtime(self) == NULL) return NULL;
  {
    PyThreadState* save = PyEval_SaveThread();
    status = tether_recorder_dump(self->rt, fd,
                                  with_payloads ? TETHER_RECORDER_PAYLOADS : 0);
    PyEval_RestoreThread(save);
  }
  if (status != TETHER_OK) {
    return tpy_raise(status, "writing the recording failed");
  }
  Py_RETURN_NONE;
}

static PyObject* core_lanes(tpy_core* self, PyObject* unused) {
  (void)unused;
  if (tpy_core_runtime(self) == NULL) return NULL;
  return PyLong_FromUnsignedLong(tether_runtime_lanes(self->rt));
}

static PyObject* core_is_open(tpy_core* self, void* unused) {
  (void)unused;
  return PyBool_FromLong(self->rt != NULL &&
                         self->fork_generation == tpy_fork_generation);
}

static PyObject* core_is_forked(tpy_core* self, void* unused) {
  (void)unused;
  return PyBool_FromLong(self->fork_generation != tpy_fork_generation);
}

static void core_dealloc(tpy_core* self) {
  tether_runtime* rt = self->rt;
  self->rt = NULL;
  if (rt != NULL && self->fork_generation == tpy_fork_generation) {
    PyThreadState* save = PyEval_SaveThread();
    tether_runtime_destroy(rt);
    PyEval_RestoreThread(save);
  }
  Py_CLEAR(self->owner);
  PyObject_Free(self);
}

static PyMethodDef core_methods[] = {
    {"open_path", core_open_path, METH_VARARGS | METH_STATIC,
     "open_path(path, symbol, config) -> Core"},
    {"open_library", core_open_library, METH_VARARGS | METH_STATIC,
     "open_library(capsule_or_address, config, owner) -> Core"},
    {"shutdown", (PyCFunction)core_shutdown, METH_VARARGS,
     "shutdown(mode, timeout_ns): tether_runtime_shutdown, GIL released."},
    {"destroy", (PyCFunction)core_destroy, METH_NOARGS,
     "destroy() -> status: tether_runtime_destroy."},
    {"cancel", (PyCFunction)core_cancel, METH_O,
     "cancel(ticket) -> status: tether_cancel."},
    {"call_sync", (PyCFunction)(void (*)(void))core_call_sync, METH_FASTCALL,
     "call_sync(method, payload, key, timeout_ns, wait_for_credit, view) -> "
     "bytes | memoryview"},
    {"stats", (PyCFunction)core_stats, METH_NOARGS, "stats() -> tuple"},
    {"leak_report", (PyCFunction)core_leak_report, METH_NOARGS,
     "leak_report() -> (text, findings)"},
    {"dump_recording", (PyCFunction)core_dump_recording, METH_VARARGS,
     "dump_recording(fd, with_payloads) -> None"},
    {"lanes", (PyCFunction)core_lanes, METH_NOARGS, "lanes() -> int"},
    {"_set_sync_spin_ns", (PyCFunction)set_sync_spin_ns, METH_O | METH_STATIC,
     "How long call_sync watches for its completion before sleeping."},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef core_getset[] = {
    {"is_open", (getter)core_is_open, NULL,
     "True until destroy() (and False in a forked child).", NULL},
    {"is_forked", (getter)core_is_forked, NULL,
     "True in a child forked after this runtime opened.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

PyTypeObject tpy_core_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "tether._tether.Core",
    .tp_basicsize = sizeof(tpy_core),
    .tp_dealloc = (destructor)core_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One tether_runtime (private: use tether.Runtime).",
    .tp_methods = core_methods,
    .tp_getset = core_getset,
};
