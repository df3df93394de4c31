/* module.c — the tether._tether module: the version check at import, the
 * status-to-exception factory, the fork generation, and the helpers every
 * submit shares. */
#include "ext.h"

volatile unsigned tpy_fork_generation = 0;
PyObject* tpy_str_set_result = NULL;
PyObject* tpy_str_set_exception = NULL;
PyObject* tpy_str_cancelled = NULL;

/* tether.errors.from_status(status, library_code, message). */
static PyObject* error_factory = NULL;

static void after_fork_child(void) {
  tpy_fork_generation++;
  tpy_log_after_fork_child();
}

PyObject* tpy_error_new(tether_status status, int32_t library_code,
                        const char* message) {
  PyObject* text;
  PyObject* exc;
  if (error_factory == NULL) {
    PyErr_Format(PyExc_RuntimeError, "tether: %s (%s)",
                 tether_status_str(status), message ? message : "");
    return NULL;
  }
  if (message != NULL) {
    text =
        PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
  } else {
    text = Py_NewRef(Py_None);
  }
  if (text == NULL) return NULL;
  exc = PyObject_CallFunction(error_factory, "iiO", (int)status,
                              (int)library_code, text);
  Py_DECREF(text);
  return exc;
}

PyObject* tpy_raise(tether_status status, const char* message) {
  PyObject* exc = tpy_error_new(status, 0, message);
  if (exc != NULL) {
    PyErr_SetObject((PyObject*)Py_TYPE(exc), exc);
    Py_DECREF(exc);
  }
  return NULL;
}

PyObject* tpy_raise_owned(tether_status status, char* error) {
  tpy_raise(status, error);
  tether_buf_free(error);
  return NULL;
}

int tpy_payload_get(PyObject* obj, Py_buffer* view) {
  if (obj == Py_None) {
    memset(view, 0, sizeof *view);
    return 0;
  }
  return PyObject_GetBuffer(obj, view, PyBUF_SIMPLE);
}

static int u64_arg(PyObject* obj, uint64_t* out, const char* what) {
  unsigned long long value;
  if (!PyLong_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "%s must be an int, not %.100s", what,
                 Py_TYPE(obj)->tp_name);
    return -1;
  }
  value = PyLong_AsUnsignedLongLong(obj);
  if (value == (unsigned long long)-1 && PyErr_Occurred()) {
    if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
      PyErr_Clear();
      PyErr_Format(PyExc_ValueError, "%s must be in 0..2**64-1", what);
    }
    return -1;
  }
  *out = (uint64_t)value;
  return 0;
}

int tpy_call_fill(tether_call* call, PyObject* method, PyObject* key,
                  PyObject* timeout_ns, const Py_buffer* payload) {
  uint64_t m;
  tether_call_init(call);
  if (u64_arg(method, &m, "method") < 0) return -1;
  if (m > UINT32_MAX) {
    PyErr_SetString(PyExc_ValueError, "method must be in 0..2**32-1");
    return -1;
  }
  call->method = (uint32_t)m;
  if (u64_arg(key, &call->key, "key") < 0) return -1;
  if (u64_arg(timeout_ns, &call->timeout_ns, "timeout_ns") < 0) return -1;
  call->payload = payload->buf;
  call->payload_len = (size_t)payload->len;
  return 0;
}

void tpy_completion_free(tether_completion* completion) {
  tether_buf_free(completion->result);
  tether_buf_free(completion->error);
  completion->result = NULL;
  completion->error = NULL;
}

PyObject* tpy_outcome(tether_completion* completion, int view, int* is_error) {
  PyObject* value;
  if (completion->status == TETHER_OK && view) {
    *is_error = 0;
    tether_buf_free(completion->error);
    completion->error = NULL;
    value = tpy_view_new(completion->result, completion->result_len);
    completion->result = NULL;
    return value;
  }
  if (completion->status == TETHER_OK) {
    *is_error = 0;
    value = PyBytes_FromStringAndSize((const char*)completion->result,
                                      (Py_ssize_t)completion->result_len);
  } else {
    *is_error = 1;
    value = tpy_error_new(completion->status, completion->library_code,
                          completion->error);
  }
  tpy_completion_free(completion);
  return value;
}

static PyObject* set_error_factory(PyObject* self, PyObject* factory) {
  (void)self;
  if (!PyCallable_Check(factory)) {
    PyErr_SetString(PyExc_TypeError, "the error factory must be callable");
    return NULL;
  }
  Py_XSETREF(error_factory, Py_NewRef(factory));
  Py_RETURN_NONE;
}

static PyObject* status_str(PyObject* self, PyObject* arg) {
  long status = PyLong_AsLong(arg);
  (void)self;
  if (status == -1 && PyErr_Occurred()) return NULL;
  return PyUnicode_FromString(tether_status_str((tether_status)status));
}

static PyObject* crash_handler_install(PyObject* self, PyObject* unused) {
  tether_status status;
  (void)self;
  (void)unused;
  status = tether_crash_handler_install();
  if (status != TETHER_OK) return tpy_raise(status, "sigaction failed");
  Py_RETURN_NONE;
}

static PyObject* handles_live(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  return PyLong_FromUnsignedLongLong(tether_handles_live());
}

static PyObject* fork_generation(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  return PyLong_FromUnsignedLong(tpy_fork_generation);
}

static PyMethodDef module_methods[] = {
    {"_set_error_factory", set_error_factory, METH_O,
     "Registers the callable that turns a status into an exception."},
    {"status_str", status_str, METH_O, "tether_status_str(status)."},
    {"crash_handler_install", crash_handler_install, METH_NOARGS,
     "tether_crash_handler_install()."},
    {"handles_live", handles_live, METH_NOARGS, "tether_handles_live()."},
    {"buffers_live", tpy_buffers_live, METH_NOARGS,
     "tether_buf_live() as (count, bytes)."},
    {"buffers_set_mode", tpy_buffers_set_mode, METH_VARARGS,
     "tether_buf_set_mode(mode)."},
    {"buffers_mode", tpy_buffers_mode, METH_NOARGS, "tether_buf_mode()."},
    {"buffers_set_growth_threshold", tpy_buffers_set_growth_threshold,
     METH_VARARGS, "tether_buf_set_growth_threshold(count, bytes)."},
    {"buffers_check_all", tpy_buffers_check_all, METH_NOARGS,
     "tether_buf_check_all()."},
    {"log_install", tpy_log_install, METH_VARARGS,
     "Routes tether's log lines into a queue log_wait() empties."},
    {"log_uninstall", tpy_log_uninstall, METH_NOARGS,
     "Restores tether's default log sink (stderr)."},
    {"log_wait", tpy_log_wait, METH_VARARGS,
     "Waits (GIL released) for queued log lines; returns a list of "
     "(level, message, dropped) or None once stopped."},
    {"log_stop", tpy_log_stop, METH_NOARGS, "Wakes log_wait() for good."},
    {"_fork_generation", fork_generation, METH_NOARGS,
     "How many forks this process is away from the one that imported."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "tether._tether",
    "The C layer of the tether binding (private: use the tether package).", -1,
    module_methods};

/* The check tether/version.h asks of every binding. */
static int check_version(void) {
  uint32_t loaded = tether_version_number();
  if (loaded / 1000000 != TETHER_VERSION_NUMBER / 1000000 ||
      loaded < TETHER_VERSION_NUMBER) {
    PyErr_Format(PyExc_ImportError,
                 "tether: this binding was built against tether %s but the "
                 "libtether loaded is %s; rebuild the binding or install a "
                 "matching libtether",
                 TETHER_VERSION_STRING, tether_version_string());
    return -1;
  }
  return 0;
}

PyMODINIT_FUNC PyInit__tether(void) {
  PyObject* module;
  if (check_version() < 0) return NULL;
  if (PyType_Ready(&tpy_core_type) < 0) return NULL;
  if (PyType_Ready(&tpy_queue_type) < 0) return NULL;
  if (PyType_Ready(&tpy_buffer_type) < 0) return NULL;
  tpy_str_set_result = PyUnicode_InternFromString("set_result");
  tpy_str_set_exception = PyUnicode_InternFromString("set_exception");
  tpy_str_cancelled = PyUnicode_InternFromString("cancelled");
  if (!tpy_str_set_result || !tpy_str_set_exception || !tpy_str_cancelled) {
    return NULL;
  }
  if (pthread_atfork(NULL, NULL, after_fork_child) != 0) {
    PyErr_SetString(PyExc_ImportError, "tether: pthread_atfork failed");
    return NULL;
  }
  module = PyModule_Create(&module_def);
  if (module == NULL) return NULL;
  if (PyModule_AddObjectRef(module, "Core", (PyObject*)&tpy_core_type) < 0 ||
      PyModule_AddObjectRef(module, "Queue", (PyObject*)&tpy_queue_type) < 0 ||
      PyModule_AddIntConstant(module, "HEADER_VERSION_NUMBER",
                              TETHER_VERSION_NUMBER) < 0 ||
      PyModule_AddStringConstant(module, "HEADER_VERSION",
                                 TETHER_VERSION_STRING) < 0 ||
      PyModule_AddStringConstant(module, "LIBRARY_VERSION",
                                 tether_version_string()) < 0 ||
      PyModule_AddObject(module, "KEY_ANY",
                         PyLong_FromUnsignedLongLong(TETHER_KEY_ANY)) < 0) {
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
