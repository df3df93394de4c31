//! [`Reply`]: the one answer a request gets.

use std::ffi::c_void;
use std::rc::Rc;

use tether_sys as sys;

use super::lane::LaneContext;
use super::request::is_cancelled;
use super::ResultBuffer;
use crate::{Error, Result, Status};

/// The library code of a call whose handler (or the posted work or timer
/// holding its [`Reply`]) panicked; the error message carries the panic's.
/// The same code `tether/library.hpp` gives a C++ exception.
pub const PANIC_CODE: i32 = -1;
/// The library code of a call whose [`Reply`] was dropped without a reply.
pub const DROPPED_CODE: i32 = -2;
/// The library code of a call whose result buffer could not be allocated.
pub const NO_MEMORY_CODE: i32 = -3;

/// The right, and the duty, to answer one request: each request gets
/// exactly one reply.
///
/// Replying consumes it: [`ok`](Reply::ok) with bytes,
/// [`ok_buffer`](Reply::ok_buffer) with a [`ResultBuffer`], or
/// [`error`](Reply::error) with a code and message. It may be kept and
/// replied to later from the same lane: moved into [`Lane::post`] or
/// [`Lane::after`] work, or stored in the lane's state. Dropped without a
/// reply, it completes the call with `TETHER_E_LIBRARY`,
/// [`DROPPED_CODE`] and "method M: handler dropped the request without
/// replying" (or, dropped by a panic, [`PANIC_CODE`] and the panic's
/// message), so a forgotten reply never leaves the caller waiting; dropped
/// after the call ended (cancelled, past its deadline, shut down) it does
/// nothing. `mem::forget` on a Reply defeats this: the call then waits for
/// its deadline or the runtime's shutdown.
///
/// It is neither `Send` nor `Sync`: tether takes replies only on the lane
/// running the request, so a Reply cannot leave it.
///
/// ```compile_fail
/// fn answer_elsewhere(reply: tether::library::Reply) {
///     std::thread::spawn(move || reply.ok(b"from another thread"));
/// }
/// ```
///
/// ```compile_fail
/// fn shared(reply: &tether::library::Reply) -> &(dyn Sync + '_) {
///     reply
/// }
/// ```
///
/// The same reply moved into work for its own lane compiles:
///
/// ```
/// fn answer_later(lane: &tether::library::Lane, reply: tether::library::Reply) {
///     let _ = lane.post(move || {
///         let _ = reply.ok(b"from posted work");
///     });
/// }
/// ```
///
/// Every method returns [`Status::AlreadyCompleted`] when the call had
/// already ended (cancelled, past its deadline, shut down): tether frees the
/// result, nothing else is needed.
///
/// [`Lane::post`]: super::Lane::post
/// [`Lane::after`]: super::Lane::after
pub struct Reply {
    lane: Rc<LaneContext>,
    id: u64,
    method: u32,
    pending: bool,
}

impl Reply {
    pub(crate) fn new(lane: Rc<LaneContext>, id: u64, method: u32) -> Reply {
        Reply {
            lane,
            id,
            method,
            pending: true,
        }
    }

    /// The request's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The request's method.
    pub fn method(&self) -> u32 {
        self.method
    }

    /// True once the call has ended: replying then only frees the result.
    pub fn is_cancelled(&self) -> bool {
        is_cancelled(&self.lane, self.id)
    }

    /// Completes the call with `TETHER_OK` and a copy of `bytes` (in a
    /// buffer from the host's allocator; no buffer for empty bytes). If the
    /// buffer cannot be allocated the call completes with
    /// [`NO_MEMORY_CODE`] instead and this returns the allocation's error.
    pub fn ok(self, bytes: &[u8]) -> Result<()> {
        if bytes.is_empty() {
            return self.finish(std::ptr::null_mut(), 0);
        }
        match self.lane.host.copy(bytes) {
            Ok(buffer) => self.ok_buffer(buffer),
            Err(error) => {
                let text = format!("method {}: {}", self.method, error.message());
                let _ = self.error(NO_MEMORY_CODE, &text);
                Err(error)
            }
        }
    }

    /// Completes the call with `TETHER_OK` and `buffer`, whose ownership
    /// moves to tether (whatever the outcome: a late reply's buffer is
    /// freed by tether).
    pub fn ok_buffer(self, buffer: ResultBuffer) -> Result<()> {
        if !self.lane.is_open() {
            drop(buffer);
            return self.finish(std::ptr::null_mut(), 0);
        }
        let (data, len) = buffer.into_raw();
        self.finish(data, len)
    }

    /// Completes the call with `TETHER_E_LIBRARY`, the library's `code`
    /// and a copy of `message` (a NUL byte in it is written as `\0`).
    pub fn error(mut self, code: i32, message: &str) -> Result<()> {
        self.pending = false;
        let status = self.lane.reply_error(self.id, code, message);
        self.check(status)
    }

    /// `reply`: the result (a live tether buffer, or NULL with 0) moves to
    /// tether.
    fn finish(mut self, data: *mut u8, len: usize) -> Result<()> {
        self.pending = false;
        if !self.lane.is_open() {
            return self.check(sys::TETHER_E_ALREADY_COMPLETED);
        }
        // SAFETY: on the lane running the request, while it runs; data is
        // ours to give (reply takes it whatever the status).
        let status = unsafe { (self.lane.host.fns.reply)(self.id, data as *mut c_void, len) };
        self.check(status)
    }

    fn check(&self, status: sys::tether_status) -> Result<()> {
        Error::check(status, || match Status::from_code(status) {
            Status::AlreadyCompleted => format!(
                "method {}: request {} had already ended; the reply was dropped",
                self.method, self.id
            ),
            _ => format!("reply to request {} (method {})", self.id, self.method),
        })
    }
}

impl Drop for Reply {
    fn drop(&mut self) {
        // A call that has ended needs no reply (and a late one would only
        // be counted and thrown away).
        if !self.pending || is_cancelled(&self.lane, self.id) {
            return;
        }
        if std::thread::panicking() && self.lane.note_unwound(self.id, self.method) {
            // The trampoline that catches the panic replies with its message.
            return;
        }
        let text = format!(
            "method {}: handler dropped the request without replying",
            self.method
        );
        let code = if std::thread::panicking() {
            super::PANIC_CODE
        } else {
            DROPPED_CODE
        };
        if self.lane.reply_error(self.id, code, &text) == sys::TETHER_OK {
            self.lane.host.log(super::LogLevel::Warn, &text);
        }
    }
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("id", &self.id)
            .field("method", &self.method)
            .finish()
    }
}
