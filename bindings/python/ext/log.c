/* log.c — tether's log lines on their way to Python's logging.
 *
 * tether calls its sink on any thread, lanes included, and those threads
 * never enter Python: the sink copies the line into a bounded queue under a
 * C mutex and signals. A Python thread (tether.log's) waits in log_wait()
 * with the GIL released and hands each line to the "tether" logger. Past
 * QUEUE_MAX lines waiting, new ones are counted and dropped, and the count
 * travels with the next line that gets through. */
#include "ext.h"

#define QUEUE_MAX 4096

typedef struct line {
  struct line* next;
  int32_t level;
  char text[];
} line;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static line* head = NULL;
static line* tail = NULL;
static size_t queued = 0;
static uint64_t dropped = 0;
static int stopped = 0;

static void sink(uint64_t user_data, int32_t level, const char* message) {
  size_t len = strlen(message);
  line* l;
  (void)user_data;
  pthread_mutex_lock(&mu);
  if (queued >= QUEUE_MAX || stopped) {
    dropped++;
    pthread_mutex_unlock(&mu);
    return;
  }
  pthread_mutex_unlock(&mu);
  l = (line*)malloc(sizeof *l + len + 1);
  pthread_mutex_lock(&mu);
  if (l == NULL) {
    dropped++;
  } else {
    l->next = NULL;
    l->level = level;
    memcpy(l->text, message, len + 1);
    if (tail != NULL) {
      tail->next = l;
    } else {
      head = l;
    }
    tail = l;
    queued++;
    pthread_cond_signal(&cv);
  }
  pthread_mutex_unlock(&mu);
}

/* log_install(min_level) */
PyObject* tpy_log_install(PyObject* self, PyObject* args) {
  int level;
  tether_status status;
  (void)self;
  if (!PyArg_ParseTuple(args, "i", &level)) return NULL;
  pthread_mutex_lock(&mu);
  stopped = 0;
  pthread_mutex_unlock(&mu);
  status = tether_log_set_sink(sink, 0, (int32_t)level);
  if (status != TETHER_OK) return tpy_raise(status, "unknown log level");
  Py_RETURN_NONE;
}

PyObject* tpy_log_uninstall(PyObject* self, PyObject* unused) {
  PyThreadState* save;
  (void)self;
  (void)unused;
  save = PyEval_SaveThread();
  tether_log_set_sink(NULL, 0, TETHER_LOG_WARN);
  PyEval_RestoreThread(save);
  Py_RETURN_NONE;
}

/* log_wait(timeout_s) -> list[(level, text, dropped_before)] | None */
PyObject* tpy_log_wait(PyObject* self, PyObject* args) {
  double timeout;
  line* taken = NULL;
  uint64_t lost = 0;
  int was_stopped;
  PyObject* list;
  PyThreadState* save;
  (void)self;
  if (!PyArg_ParseTuple(args, "d", &timeout)) return NULL;
  save = PyEval_SaveThread();
  pthread_mutex_lock(&mu);
  if (head == NULL && !stopped && timeout > 0) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)timeout;
    until.tv_nsec += (long)((timeout - (double)(time_t)timeout) * 1e9);
    if (until.tv_nsec >= 1000000000) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000;
    }
    while (head == NULL && !stopped) {
      if (pthread_cond_timedwait(&cv, &mu, &until) != 0) break;
    }
  }
  taken = head;
  head = tail = NULL;
  queued = 0;
  lost = dropped;
  dropped = 0;
  was_stopped = stopped;
  pthread_mutex_unlock(&mu);
  PyEval_RestoreThread(save);
  if (taken == NULL && was_stopped && lost == 0) Py_RETURN_NONE;
  list = PyList_New(0);
  while (taken != NULL) {
    line* next = taken->next;
    if (list != NULL) {
      PyObject* item = Py_BuildValue(
          "(iNK)", (int)taken->level,
          PyUnicode_DecodeUTF8(taken->text, (Py_ssize_t)strlen(taken->text),
                               "replace"),
          (unsigned long long)lost);
      lost = 0;
      if (item == NULL || PyList_Append(list, item) < 0) Py_CLEAR(list);
      Py_XDECREF(item);
    }
    free(taken);
    taken = next;
  }
  if (list != NULL && lost != 0) {
    PyObject* item = Py_BuildValue("(isK)", (int)TETHER_LOG_WARN, "",
                                   (unsigned long long)lost);
    if (item == NULL || PyList_Append(list, item) < 0) Py_CLEAR(list);
    Py_XDECREF(item);
  }
  return list;
}

PyObject* tpy_log_stop(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  pthread_mutex_lock(&mu);
  stopped = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  Py_RETURN_NONE;
}

/* The parent's threads may have held the mutex at fork(): start over with
 * fresh ones (the lines queued belong to the parent, which logs them). */
void tpy_log_after_fork_child(void) {
  pthread_mutex_t fresh_mu = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t fresh_cv = PTHREAD_COND_INITIALIZER;
  memcpy(&mu, &fresh_mu, sizeof mu);
  memcpy(&cv, &fresh_cv, sizeof cv);
  head = tail = NULL;
  queued = 0;
  dropped = 0;
}
