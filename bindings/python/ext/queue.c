/* queue.c — tether._tether.Queue: a completion queue and the waiters of its
 * calls.
 *
 * A waiter is any object with the future protocol (asyncio.Future,
 * concurrent.futures.Future): set_result(bytes), set_exception(exc),
 * cancelled(). The queue holds a reference to each one in a slab whose slot
 * index and generation make the completion's tag; a completion takes its
 * waiter out of the slab before any Python code runs, so each waiter is
 * completed at most once and a tag that names no live slot (a waiter
 * dropped by clear()) only frees the completion.
 *
 * Thread safety: every method runs with the GIL held, which guards the
 * slab. wait() releases the GIL inside tether_cq_poll, touching nothing but
 * the queue there; destroy() refuses while a wait() is in progress. */
#include "ext.h"

/* Completions moved per tether_cq_poll; the batch lives on the stack, so a
 * drain entered again from a waiter's callback has its own. */
#define BATCH 128

typedef struct {
  PyObject* waiter; /* NULL when free */
  uint32_t generation;
  uint32_t next_free;
  int view; /* the result as a memoryview over the tether buffer */
} slot;

typedef struct {
  PyObject_HEAD tpy_core* core;
  tether_cq* cq;
  unsigned fork_generation;
  int polling;  /* a wait() is inside tether_cq_poll */
  int finished; /* tether_cq_poll said TETHER_E_CLOSED */
  slot* slots;
  uint32_t capacity;
  uint32_t free_head; /* UINT32_MAX: none */
  uint32_t live;
} tpy_queue;

static int slab_grow(tpy_queue* self) {
  uint32_t old = self->capacity, cap = old ? old * 2 : 64, i;
  slot* grown;
  if (old >= (UINT32_MAX >> 1)) {
    PyErr_NoMemory();
    return -1;
  }
  grown = PyMem_Realloc(self->slots, (size_t)cap * sizeof(slot));
  if (grown == NULL) {
    PyErr_NoMemory();
    return -1;
  }
  for (i = old; i < cap; ++i) {
    grown[i].waiter = NULL;
    grown[i].generation = 0;
    grown[i].next_free = i + 1 < cap ? i + 1 : self->free_head;
  }
  self->slots = grown;
  self->capacity = cap;
  self->free_head = old;
  return 0;
}

/* Stores a new reference to waiter; returns its tag via *tag. */
static int slab_put(tpy_queue* self, PyObject* waiter, int view,
                    uint64_t* tag) {
  uint32_t index;
  if (self->free_head == UINT32_MAX && slab_grow(self) < 0) return -1;
  index = self->free_head;
  self->free_head = self->slots[index].next_free;
  self->slots[index].waiter = Py_NewRef(waiter);
  self->slots[index].view = view;
  self->live++;
  *tag = ((uint64_t)self->slots[index].generation << 32) | index;
  return 0;
}

/* Takes the waiter out of its slot: the caller owns the reference returned
 * (NULL if the tag names no live slot); *view gets its flag (view may be
 * NULL). Runs no Python code. */
static PyObject* slab_take_view(tpy_queue* self, uint64_t tag, int* view) {
  uint32_t index = (uint32_t)tag, generation = (uint32_t)(tag >> 32);
  PyObject* waiter;
  if (index >= self->capacity) return NULL;
  if (self->slots[index].generation != generation) return NULL;
  waiter = self->slots[index].waiter;
  if (waiter == NULL) return NULL;
  if (view != NULL) *view = self->slots[index].view;
  self->slots[index].waiter = NULL;
  self->slots[index].generation++;
  self->slots[index].next_free = self->free_head;
  self->free_head = index;
  self->live--;
  return waiter;
}

static PyObject* slab_take(tpy_queue* self, uint64_t tag) {
  return slab_take_view(self, tag, NULL);
}

static int waiter_cancelled(PyObject* waiter) {
  PyObject* r = PyObject_CallMethodNoArgs(waiter, tpy_str_cancelled);
  int yes;
  if (r == NULL) return -1;
  yes = PyObject_IsTrue(r);
  Py_DECREF(r);
  return yes;
}

/* Hands one completion to its waiter. Never leaves an exception set: a
 * waiter that refuses its outcome for any reason but having been cancelled
 * is reported through sys.unraisablehook. */
static void deliver(tpy_queue* self, tether_completion* completion) {
  int view = 0, is_error, cancelled;
  PyObject* waiter = slab_take_view(self, completion->user_data, &view);
  PyObject *value, *r;
  if (waiter == NULL) {
    tpy_completion_free(completion);
    return;
  }
  if (completion->status != TETHER_OK) {
    cancelled = waiter_cancelled(waiter);
    if (cancelled != 0) {
      if (cancelled < 0) PyErr_WriteUnraisable(waiter);
      tpy_completion_free(completion);
      Py_DECREF(waiter);
      return;
    }
  }
  value = tpy_outcome(completion, view, &is_error);
  if (value == NULL) {
    PyErr_WriteUnraisable(waiter);
    Py_DECREF(waiter);
    return;
  }
  r = PyObject_CallMethodOneArg(
      waiter, is_error ? tpy_str_set_exception : tpy_str_set_result, value);
  Py_DECREF(value);
  if (r != NULL) {
    Py_DECREF(r);
  } else {
    /* Cancelled after the check above (or before an OK outcome): the
     * outcome has nowhere to go, which is what cancelling asked for. */
    PyObject *type, *exc, *tb;
    PyErr_Fetch(&type, &exc, &tb);
    cancelled = waiter_cancelled(waiter);
    if (cancelled > 0) {
      Py_XDECREF(type);
      Py_XDECREF(exc);
      Py_XDECREF(tb);
    } else {
      if (cancelled < 0) PyErr_Clear();
      PyErr_Restore(type, exc, tb);
      PyErr_WriteUnraisable(waiter);
    }
  }
  Py_DECREF(waiter);
}

static int queue_usable(tpy_queue* self) {
  if (self->fork_generation != tpy_fork_generation) {
    tpy_raise(TETHER_E_FORKED,
              "this runtime was opened before fork(); open a new one in the "
              "child");
    return 0;
  }
  if (self->cq == NULL) {
    tpy_raise(TETHER_E_CLOSED, "the completion queue is closed");
    return 0;
  }
  return 1;
}

static PyObject* queue_new(PyTypeObject* type, PyObject* args,
                           PyObject* kwargs) {
  tpy_core* core;
  tpy_queue* self;
  tether_runtime* rt;
  tether_status status;
  static char* names[] = {"core", NULL};
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!", names, &tpy_core_type,
                                   &core)) {
    return NULL;
  }
  rt = tpy_core_runtime(core);
  if (rt == NULL) return NULL;
  self = (tpy_queue*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->core = (tpy_core*)Py_NewRef(core);
  self->fork_generation = tpy_fork_generation;
  self->free_head = UINT32_MAX;
  status = tether_cq_open(rt, &self->cq);
  if (status != TETHER_OK) {
    Py_DECREF(self);
    return tpy_raise(status, "could not open a completion queue");
  }
  return (PyObject*)self;
}

/* submit(method, payload, key, timeout_ns, waiter[, view]) -> ticket */
static PyObject* queue_submit(tpy_queue* self, PyObject* const* args,
                              Py_ssize_t nargs) {
  Py_buffer payload;
  tether_call call;
  tether_runtime* rt;
  tether_status status;
  uint64_t tag, ticket = 0;
  int view = 0;
  if (nargs != 5 && nargs != 6) {
    PyErr_SetString(PyExc_TypeError, "submit takes 5 or 6 arguments");
    return NULL;
  }
  if (nargs == 6 && (view = PyObject_IsTrue(args[5])) < 0) return NULL;
  if (!queue_usable(self)) return NULL;
  rt = tpy_core_runtime(self->core);
  if (rt == NULL) return NULL;
  if (tpy_payload_get(args[1], &payload) < 0) return NULL;
  if (tpy_call_fill(&call, args[0], args[2], args[3], &payload) < 0 ||
      slab_put(self, args[4], view, &tag) < 0) {
    PyBuffer_Release(&payload);
    return NULL;
  }
  status = tether_submit_cq(rt, &call, self->cq, tag, &ticket);
  PyBuffer_Release(&payload);
  if (status != TETHER_OK) {
    Py_XDECREF(slab_take(self, tag));
    return tpy_raise(status, NULL);
  }
  return PyLong_FromUnsignedLongLong(ticket);
}

/* Moves batches until one comes back short. Returns the number delivered,
 * or -1 with an exception set. */
static Py_ssize_t drain_batches(tpy_queue* self, uint64_t first_timeout) {
  Py_ssize_t total = 0;
  uint64_t timeout = first_timeout;
  while (self->cq != NULL && !self->finished) {
    tether_completion batch[BATCH];
    size_t n = 0, i;
    tether_status status;
    if (timeout != 0) {
      tether_cq* cq = self->cq;
      PyThreadState* save;
      self->polling = 1;
      save = PyEval_SaveThread();
      status = tether_cq_poll(cq, batch, sizeof batch[0], BATCH, timeout, &n);
      PyEval_RestoreThread(save);
      self->polling = 0;
    } else {
      status = tether_cq_poll(self->cq, batch, sizeof batch[0], BATCH, 0, &n);
    }
    if (status == TETHER_E_CLOSED) {
      self->finished = 1;
      break;
    }
    if (status != TETHER_OK) {
      tpy_raise(status, "tether_cq_poll refused");
      return -1;
    }
    for (i = 0; i < n; ++i) deliver(self, &batch[i]);
    total += (Py_ssize_t)n;
    if (n < BATCH) break;
    timeout = 0;
  }
  return total;
}

/* drain() -> int: the fd's reader. Resets the fd, then polls until a batch
 * comes back short, as tether/cq.h asks. */
static PyObject* queue_drain(tpy_queue* self, PyObject* unused) {
  Py_ssize_t n;
  (void)unused;
  if (self->cq == NULL || self->fork_generation != tpy_fork_generation) {
    return PyLong_FromLong(0);
  }
  tether_cq_reset_fd(self->cq);
  n = drain_batches(self, 0);
  return n < 0 ? NULL : PyLong_FromSsize_t(n);
}

/* collect() -> list[(waiter, outcome, is_error)]: as drain(), but hands the
 * outcomes back instead of giving them to the waiters, for a thread that
 * must not complete them itself (another loop's futures). */
static PyObject* queue_collect(tpy_queue* self, PyObject* unused) {
  PyObject* list;
  (void)unused;
  list = PyList_New(0);
  if (list == NULL) return NULL;
  if (self->cq == NULL || self->fork_generation != tpy_fork_generation) {
    return list;
  }
  tether_cq_reset_fd(self->cq);
  while (self->cq != NULL && !self->finished) {
    tether_completion batch[BATCH];
    size_t n = 0, i;
    tether_status status =
        tether_cq_poll(self->cq, batch, sizeof batch[0], BATCH, 0, &n);
    if (status == TETHER_E_CLOSED) {
      self->finished = 1;
      break;
    }
    if (status != TETHER_OK) {
      Py_DECREF(list);
      return tpy_raise(status, "tether_cq_poll refused");
    }
    for (i = 0; i < n; ++i) {
      int view = 0, is_error;
      PyObject* waiter = slab_take_view(self, batch[i].user_data, &view);
      PyObject *value, *item;
      if (waiter == NULL) {
        tpy_completion_free(&batch[i]);
        continue;
      }
      value = tpy_outcome(&batch[i], view, &is_error);
      if (value == NULL) {
        PyErr_WriteUnraisable(waiter);
        Py_DECREF(waiter);
        continue;
      }
      item =
          Py_BuildValue("(NNO)", waiter, value, is_error ? Py_True : Py_False);
      if (item == NULL || PyList_Append(list, item) < 0) {
        PyErr_WriteUnraisable(list);
      }
      Py_XDECREF(item);
    }
    if (n < BATCH) break;
  }
  return list;
}

/* wait(timeout_ns) -> int | None: blocks (GIL released) until a completion
 * arrives or the timeout passes, then delivers what is ready; None once the
 * queue is shut down and drained. For a thread that owns the queue. */
static PyObject* queue_wait(tpy_queue* self, PyObject* arg) {
  unsigned long long timeout = PyLong_AsUnsignedLongLong(arg);
  Py_ssize_t n;
  if (timeout == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
  if (!queue_usable(self)) return NULL;
  if (self->polling) return tpy_raise(TETHER_E_BUSY, "already waiting");
  n = drain_batches(self, timeout ? (uint64_t)timeout : 1);
  if (n < 0) return NULL;
  if (self->finished && n == 0) Py_RETURN_NONE;
  return PyLong_FromSsize_t(n);
}

static PyObject* queue_shutdown(tpy_queue* self, PyObject* unused) {
  (void)unused;
  if (self->cq != NULL && self->fork_generation == tpy_fork_generation) {
    tether_cq_shutdown(self->cq);
  }
  Py_RETURN_NONE;
}

/* Drops every waiter still in the slab, returning them as a list, so the
 * caller can end them (their completions will never be delivered). */
static PyObject* queue_take_waiters(tpy_queue* self) {
  PyObject* list = PyList_New(0);
  uint32_t i;
  if (list == NULL) return NULL;
  for (i = 0; i < self->capacity; ++i) {
    PyObject* waiter = self->slots[i].waiter;
    uint64_t tag;
    if (waiter == NULL) continue;
    tag = ((uint64_t)self->slots[i].generation << 32) | i;
    waiter = slab_take(self, tag);
    if (PyList_Append(list, waiter) < 0) {
      Py_DECREF(waiter);
      Py_DECREF(list);
      return NULL;
    }
    Py_DECREF(waiter);
  }
  return list;
}

/* destroy() -> list: frees the queue (tether frees completions still in it
 * or still to come) and returns the waiters that will never be completed. */
static PyObject* queue_destroy(tpy_queue* self, PyObject* unused) {
  tether_cq* cq = self->cq;
  (void)unused;
  if (self->polling) {
    PyErr_SetString(PyExc_RuntimeError,
                    "tether: a completion queue cannot be destroyed while a "
                    "thread waits on it");
    return NULL;
  }
  self->cq = NULL;
  if (cq != NULL && self->fork_generation == tpy_fork_generation) {
    tether_cq_destroy(cq);
  }
  return queue_take_waiters(self);
}

static PyObject* queue_fd(tpy_queue* self, PyObject* unused) {
  (void)unused;
  if (!queue_usable(self)) return NULL;
  return PyLong_FromLong(tether_cq_fd(self->cq));
}

static PyObject* queue_pending(tpy_queue* self, void* unused) {
  (void)unused;
  return PyLong_FromUnsignedLong(self->live);
}

static PyObject* queue_is_open(tpy_queue* self, void* unused) {
  (void)unused;
  return PyBool_FromLong(self->cq != NULL);
}

static int queue_traverse(tpy_queue* self, visitproc visit, void* arg) {
  uint32_t i;
  Py_VISIT(self->core);
  for (i = 0; i < self->capacity; ++i) Py_VISIT(self->slots[i].waiter);
  return 0;
}

static int queue_clear(tpy_queue* self) {
  uint32_t i;
  for (i = 0; i < self->capacity; ++i) {
    PyObject* waiter = self->slots[i].waiter;
    if (waiter == NULL) continue;
    Py_DECREF(slab_take(
        self, ((uint64_t)self->slots[i].generation << 32) | (uint64_t)i));
  }
  return 0;
}

static void queue_dealloc(tpy_queue* self) {
  PyObject_GC_UnTrack(self);
  if (self->cq != NULL && self->fork_generation == tpy_fork_generation) {
    tether_cq_destroy(self->cq);
  }
  self->cq = NULL;
  queue_clear(self);
  PyMem_Free(self->slots);
  Py_CLEAR(self->core);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static PyMethodDef queue_methods[] = {
    {"submit", (PyCFunction)(void (*)(void))queue_submit, METH_FASTCALL,
     "submit(method, payload, key, timeout_ns, waiter[, view]) -> ticket"},
    {"drain", (PyCFunction)queue_drain, METH_NOARGS,
     "drain() -> int: reset the fd, deliver every completion ready."},
    {"collect", (PyCFunction)queue_collect, METH_NOARGS,
     "collect() -> list of (waiter, outcome, is_error) ready now."},
    {"wait", (PyCFunction)queue_wait, METH_O,
     "wait(timeout_ns) -> int | None: block (GIL released), then deliver."},
    {"fd", (PyCFunction)queue_fd, METH_NOARGS, "fd() -> the eventfd"},
    {"shutdown", (PyCFunction)queue_shutdown, METH_NOARGS,
     "shutdown(): tether_cq_shutdown."},
    {"destroy", (PyCFunction)queue_destroy, METH_NOARGS,
     "destroy() -> list of waiters never completed."},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef queue_getset[] = {
    {"pending", (getter)queue_pending, NULL,
     "Waiters whose completion has not been delivered.", NULL},
    {"is_open", (getter)queue_is_open, NULL, "True until destroy().", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

PyTypeObject tpy_queue_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "tether._tether.Queue",
    .tp_basicsize = sizeof(tpy_queue),
    .tp_dealloc = (destructor)queue_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "A completion queue and its calls' waiters (private).",
    .tp_traverse = (traverseproc)queue_traverse,
    .tp_clear = (inquiry)queue_clear,
    .tp_methods = queue_methods,
    .tp_getset = queue_getset,
    .tp_new = queue_new,
};
