// Text out to a file descriptor without allocating, locking or formatting
// through stdio: what a signal handler may do. The recorder writes its
// dumps and the crash handler its reports through it.
//
// Output collects in a buffer inside the object and goes out with write(2)
// when the buffer fills and on flush(); an interrupted write is retried. A
// failed write is remembered (error()) and later output is dropped.
//
// Thread safety: one object per writer thread.
#ifndef TETHER_RUNTIME_RECORDER_LINE_WRITER_H_
#define TETHER_RUNTIME_RECORDER_LINE_WRITER_H_

#include <cstddef>
#include <cstdint>

namespace tether::recorder {

class LineWriter {
 public:
  explicit LineWriter(int fd) : fd_(fd) {}
  ~LineWriter() { flush(); }
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  LineWriter& text(const char* text);
  LineWriter& bytes(const char* data, std::size_t length);
  LineWriter& number(uint64_t value);
  LineWriter& signed_number(int64_t value);
  // Exactly 16 lowercase hex digits.
  LineWriter& hex64(uint64_t value);
  // Two lowercase hex digits a byte.
  LineWriter& hex_bytes(const unsigned char* data, std::size_t length);
  // A JSON string literal, quotes included (", \ and control characters
  // escaped; other bytes as they are).
  LineWriter& json_string(const char* text);

  bool flush();
  // 0, or the errno of the write that failed.
  int error() const { return error_; }

 private:
  void put(char c) {
    if (used_ == sizeof buffer_) flush();
    buffer_[used_++] = c;
  }

  const int fd_;
  int error_ = 0;
  std::size_t used_ = 0;
  char buffer_[4096];
};

}  // namespace tether::recorder

#endif  // TETHER_RUNTIME_RECORDER_LINE_WRITER_H_
