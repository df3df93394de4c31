/* view.c — tether._tether.Buffer: a tether buffer handed to Python without
 * a copy. It exports the buffer protocol (read and write, as the bytes are
 * the caller's now) and frees the tether buffer when the object dies, which
 * is once no memoryview over it is left. */
#include "ext.h"

typedef struct {
  PyObject_HEAD void* data; /* a tether buffer, or NULL when empty */
  Py_ssize_t len;
} tpy_buffer;

static int buffer_get(tpy_buffer* self, Py_buffer* view, int flags) {
  static char empty = 0;
  return PyBuffer_FillInfo(view, (PyObject*)self,
                           self->data ? self->data : &empty, self->len, 0,
                           flags);
}

static void buffer_dealloc(tpy_buffer* self) {
  tether_buf_free(self->data);
  PyObject_Free(self);
}

static PyBufferProcs buffer_procs = {(getbufferproc)buffer_get, NULL};

PyTypeObject tpy_buffer_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "tether._tether.Buffer",
    .tp_basicsize = sizeof(tpy_buffer),
    .tp_dealloc = (destructor)buffer_dealloc,
    .tp_as_buffer = &buffer_procs,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A tether buffer, freed when the last view over it goes.",
};

PyObject* tpy_view_new(void* data, size_t len) {
  tpy_buffer* buffer = PyObject_New(tpy_buffer, &tpy_buffer_type);
  PyObject* view;
  if (buffer == NULL) {
    tether_buf_free(data);
    return NULL;
  }
  buffer->data = data;
  buffer->len = (Py_ssize_t)len;
  view = PyMemoryView_FromObject((PyObject*)buffer);
  Py_DECREF(buffer);
  return view;
}
