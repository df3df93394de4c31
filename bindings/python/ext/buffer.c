/* buffer.c — process-wide buffer functions: the live count, the mode, the
 * growth watch and the full check. */
#include "ext.h"

PyObject* tpy_buffers_live(PyObject* self, PyObject* unused) {
  uint64_t count = 0, bytes = 0;
  (void)self;
  (void)unused;
  tether_buf_live(&count, &bytes);
  return Py_BuildValue("(KK)", (unsigned long long)count,
                       (unsigned long long)bytes);
}

PyObject* tpy_buffers_set_mode(PyObject* self, PyObject* args) {
  int mode;
  tether_status status;
  (void)self;
  if (!PyArg_ParseTuple(args, "i", &mode)) return NULL;
  status = tether_buf_set_mode((int32_t)mode);
  if (status != TETHER_OK) return tpy_raise(status, "unknown buffer mode");
  Py_RETURN_NONE;
}

PyObject* tpy_buffers_mode(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  return PyLong_FromLong(tether_buf_mode());
}

PyObject* tpy_buffers_set_growth_threshold(PyObject* self, PyObject* args) {
  unsigned long long count, bytes;
  (void)self;
  if (!PyArg_ParseTuple(args, "KK", &count, &bytes)) return NULL;
  tether_buf_set_growth_threshold((uint64_t)count, (uint64_t)bytes);
  Py_RETURN_NONE;
}

PyObject* tpy_buffers_check_all(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  return PyLong_FromLong(tether_buf_check_all());
}
