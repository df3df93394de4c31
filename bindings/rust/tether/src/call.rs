//! Calls: what to submit ([`Key`], [`CallOptions`]), submitting, and the
//! [`Call`] future that waits for the completion.

use std::ffi::c_void;
use std::fmt;
use std::future::Future;
use std::mem::{self, MaybeUninit};
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tether_sys as sys;

use crate::slot::{self, Slot};
use crate::{Buffer, Error, Result, Runtime, Status};

/// A call's affinity key (`tether_call.key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// Any lane may take the call (`TETHER_KEY_ANY`).
    Any,
    /// Calls with the same key always run on the same lane.
    /// `Key::Of(u64::MAX)` is the same as [`Key::Any`].
    Of(u64),
}

impl Key {
    pub(crate) fn raw(self) -> u64 {
        match self {
            Key::Any => sys::TETHER_KEY_ANY,
            Key::Of(key) => key,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deadline {
    None,
    After(Duration),
    At(Instant),
}

/// Per-call settings beyond method, key and payload. A builder:
///
/// ```
/// use std::time::Duration;
/// let options = tether::CallOptions::new().timeout(Duration::from_millis(50));
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallOptions {
    deadline: Deadline,
}

impl Default for CallOptions {
    fn default() -> CallOptions {
        CallOptions::new()
    }
}

impl CallOptions {
    /// No deadline.
    pub fn new() -> CallOptions {
        CallOptions {
            deadline: Deadline::None,
        }
    }

    /// The call ends with [`Status::Deadline`] unless the library replies
    /// within `timeout` of the submit (`tether_call.timeout_ns`). A zero
    /// timeout is taken as one nanosecond: already due, not "none".
    pub fn timeout(mut self, timeout: Duration) -> CallOptions {
        self.deadline = Deadline::After(timeout);
        self
    }

    /// As [`timeout`](CallOptions::timeout), up to `deadline`, measured
    /// when the call is submitted; a deadline already past ends the call
    /// with [`Status::Deadline`] at once.
    pub fn deadline(mut self, deadline: Instant) -> CallOptions {
        self.deadline = Deadline::At(deadline);
        self
    }

    /// `tether_call.timeout_ns`, 0 meaning none.
    fn timeout_ns(&self) -> u64 {
        let timeout = match self.deadline {
            Deadline::None => return 0,
            Deadline::After(timeout) => timeout,
            Deadline::At(deadline) => deadline.saturating_duration_since(Instant::now()),
        };
        u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX).max(1)
    }
}

/// A `tether_call` naming `payload`'s bytes, valid while they are borrowed.
pub(crate) fn raw_call(
    method: u32,
    key: Key,
    payload: &[u8],
    options: &CallOptions,
) -> sys::tether_call {
    let mut call = MaybeUninit::<sys::tether_call>::zeroed();
    // SAFETY: init fills the whole struct; any thread.
    let mut call = unsafe {
        sys::tether_call_init(call.as_mut_ptr());
        call.assume_init()
    };
    call.method = method;
    call.key = key.raw();
    call.timeout_ns = options.timeout_ns();
    call.payload = if payload.is_empty() {
        ptr::null()
    } else {
        payload.as_ptr() as *const c_void
    };
    call.payload_len = payload.len();
    call
}

/// Submits `call` through `stream`, or straight to the runtime when it is
/// None. A `moved` buffer is `call`'s payload, handed to tether: it must
/// be the buffer `call.payload` names, and is freed here if tether
/// refuses the call.
pub(crate) fn submit<'rt>(
    runtime: &'rt Runtime,
    stream: Option<NonNull<sys::tether_stream>>,
    call: &sys::tether_call,
    moved: Option<Buffer>,
) -> Call<'rt> {
    let (slot, user_data) = Slot::new(call.method);
    let mut ticket = 0u64;
    // SAFETY: call and its payload are borrowed for the submit only (copied,
    // or moved when the MOVE flag is set and `moved` owns that buffer);
    // `complete` is this crate's callback and user_data the reference it
    // expects. tether_submit is any thread; a stream is used by one thread
    // at a time (Stream is not Sync and this borrows it).
    let status = unsafe {
        match stream {
            None => sys::tether_submit(
                runtime.as_ptr(),
                call,
                Some(slot::complete),
                user_data,
                &mut ticket,
            ),
            Some(stream) => sys::tether_stream_submit(
                stream.as_ptr(),
                call,
                Some(slot::complete),
                user_data,
                &mut ticket,
            ),
        }
    };
    if status == sys::TETHER_OK {
        if let Some(buffer) = moved {
            // tether owns the payload now.
            let _ = buffer.into_raw();
        }
        return Call {
            runtime,
            ticket,
            state: CallState::InFlight(slot),
        };
    }
    // SAFETY: refused, so tether will run no callback for user_data.
    unsafe { Slot::reclaim(user_data) };
    drop(moved); // still ours after a refusal: freed
    Call::refused(runtime, refusal(status, call))
}

pub(crate) fn refusal(status: sys::tether_status, call: &sys::tether_call) -> Error {
    Error::new(
        Status::from_code(status),
        format!(
            "submit of method {} ({} payload bytes) refused",
            call.method, call.payload_len
        ),
    )
}

/// The payload of a call that moves `buffer` into tether.
pub(crate) fn moved_call(
    method: u32,
    key: Key,
    buffer: &Buffer,
    options: &CallOptions,
) -> sys::tether_call {
    let mut call = raw_call(method, key, &[], options);
    let (ptr, len) = buffer.as_raw();
    if !ptr.is_null() {
        call.flags |= sys::TETHER_CALL_MOVE_PAYLOAD;
        call.payload = ptr as *const c_void;
        call.payload_len = len;
    }
    call
}

enum CallState {
    InFlight(Arc<Slot>),
    Refused(Error),
    Finished,
}

/// One call in flight: a future of the library's reply.
///
/// Made by [`Runtime::call`] and its siblings, which submit the call before
/// they return (the future only waits; the payload was already copied).
/// It resolves exactly once, to the reply or to an [`Error`]: the
/// library's ([`Status::Library`]), [`Status::Cancelled`],
/// [`Status::Deadline`], [`Status::Closed`] (the runtime shut down first),
/// or the submit's refusal ([`Status::Busy`], [`Status::TooLarge`], ...).
///
/// It works on any executor: tether's completion callback stores the
/// outcome and wakes the task's `Waker` from tether's thread (a lane, or
/// the delivery thread). [`Call::wait`] blocks a thread instead.
///
/// Dropping it before it resolves cancels the call (`tether_cancel`); the
/// completion that still comes is consumed and its buffers freed, once.
///
/// The future borrows its runtime, which therefore outlives it:
///
/// ```compile_fail
/// # fn f(runtime: tether::Runtime) {
/// let call = runtime.call(5, tether::Key::Any, &[]);
/// drop(runtime); // error: `runtime` is borrowed by `call`
/// drop(call);
/// # }
/// ```
#[must_use = "a call is cancelled when its future is dropped"]
pub struct Call<'rt> {
    runtime: &'rt Runtime,
    ticket: u64,
    state: CallState,
}

impl<'rt> Call<'rt> {
    pub(crate) fn refused(runtime: &'rt Runtime, error: Error) -> Call<'rt> {
        Call {
            runtime,
            ticket: 0,
            state: CallState::Refused(error),
        }
    }

    pub(crate) fn in_flight(runtime: &'rt Runtime, ticket: u64, slot: Arc<Slot>) -> Call<'rt> {
        Call {
            runtime,
            ticket,
            state: CallState::InFlight(slot),
        }
    }

    /// The call's ticket (never 0), or None when the submit was refused.
    pub fn ticket(&self) -> Option<u64> {
        match self.state {
            CallState::Refused(_) => None,
            _ => Some(self.ticket),
        }
    }

    /// Asks tether to end the call with [`Status::Cancelled`]
    /// (`tether_cancel`). The future still resolves, with the cancellation
    /// or with an outcome decided before it.
    ///
    /// Errors: [`Status::AlreadyCompleted`] or [`Status::StaleTicket`] when
    /// the call's outcome was already decided, [`Status::Closed`] after
    /// shutdown, [`Status::Busy`] (nothing decided; retry), and
    /// [`Status::InvalidArg`] for a call whose submit was refused.
    pub fn cancel(&self) -> Result<()> {
        if let CallState::Refused(_) = self.state {
            return Err(Error::new(
                Status::InvalidArg,
                "the call was refused at submit: nothing to cancel",
            ));
        }
        // SAFETY: a live runtime (borrowed for 'rt); any thread.
        let status = unsafe { sys::tether_cancel(self.runtime.as_ptr(), self.ticket) };
        Error::check(status, || {
            format!("tether_cancel of ticket {:#x}", self.ticket)
        })
    }

    /// Blocks the calling thread until the call completes and returns its
    /// outcome. Must not run on one of the runtime's own threads (inside a
    /// library handler), whose completion could then never be delivered.
    pub fn wait(mut self) -> Result<Buffer> {
        match mem::replace(&mut self.state, CallState::Finished) {
            CallState::InFlight(slot) => slot.wait(),
            CallState::Refused(error) => Err(error),
            CallState::Finished => panic!("tether::Call waited on after it completed"),
        }
    }
}

impl Future for Call<'_> {
    type Output = Result<Buffer>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<Buffer>> {
        // Call is Unpin: nothing in it is pinned.
        let this = self.get_mut();
        let outcome = match &this.state {
            CallState::InFlight(slot) => match slot.poll(cx.waker()) {
                Poll::Ready(outcome) => outcome,
                Poll::Pending => return Poll::Pending,
            },
            CallState::Refused(_) => match mem::replace(&mut this.state, CallState::Finished) {
                CallState::Refused(error) => Err(error),
                _ => unreachable!(),
            },
            CallState::Finished => panic!("tether::Call polled after it completed"),
        };
        this.state = CallState::Finished;
        Poll::Ready(outcome)
    }
}

impl Drop for Call<'_> {
    fn drop(&mut self) {
        let slot = match &self.state {
            CallState::InFlight(slot) => slot,
            _ => return,
        };
        if !slot.abandon() {
            return;
        }
        // Still in flight: cancel it. Its completion comes later on
        // tether's thread, finds the slot abandoned and frees the outcome.
        // Every status but BUSY means the outcome is decided one way or
        // the other (cancelled here, or completed before); BUSY decided
        // nothing, so retry a bounded number of times. If it stays busy the
        // call runs to its end, and its completion is freed just the same.
        for _ in 0..64 {
            // SAFETY: a live runtime (borrowed for 'rt); any thread; never
            // runs the callback inside.
            let status = unsafe { sys::tether_cancel(self.runtime.as_ptr(), self.ticket) };
            if status != sys::TETHER_E_BUSY {
                return;
            }
            std::thread::yield_now();
        }
    }
}

impl fmt::Debug for Call<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            CallState::InFlight(_) => "in flight",
            CallState::Refused(_) => "refused",
            CallState::Finished => "finished",
        };
        f.debug_struct("Call")
            .field("ticket", &self.ticket)
            .field("state", &state)
            .finish()
    }
}

impl Runtime {
    /// Submits one call and returns the future of its reply. The payload is
    /// copied before this returns; see [`Call`] for what the future does.
    ///
    /// ```no_run
    /// # async fn f(runtime: &tether::Runtime) -> tether::Result<()> {
    /// let stats = runtime.call(5, tether::Key::Any, &[]).await?; // kvstore STATS
    /// assert_eq!(stats.len(), 32);
    /// # Ok(()) }
    /// ```
    pub fn call(&self, method: u32, key: Key, payload: &[u8]) -> Call<'_> {
        self.call_with(method, key, payload, CallOptions::new())
    }

    /// As [`call`](Runtime::call), with [`CallOptions`] (a deadline).
    pub fn call_with(
        &self,
        method: u32,
        key: Key,
        payload: &[u8],
        options: CallOptions,
    ) -> Call<'_> {
        let call = raw_call(method, key, payload, &options);
        submit(self, None, &call, None)
    }

    /// As [`call_with`](Runtime::call_with), moving a tether buffer in as
    /// the payload instead of copying bytes (`TETHER_CALL_MOVE_PAYLOAD`).
    /// If the submit is refused the buffer is freed and the future resolves
    /// to the refusal.
    pub fn call_moved(
        &self,
        method: u32,
        key: Key,
        payload: Buffer,
        options: CallOptions,
    ) -> Call<'_> {
        let call = moved_call(method, key, &payload, &options);
        submit(self, None, &call, Some(payload))
    }

    /// Makes one call and blocks until it completes, returning the
    /// library's reply: [`call`](Runtime::call) then [`Call::wait`]. The
    /// completion callback unparks this thread; no queue is made per call,
    /// and any number of threads may call at once with no lock between
    /// them.
    ///
    /// Errors: what submit refuses ([`Status::TooLarge`] for a payload over
    /// `max_payload_bytes`, [`Status::Busy`] over the credits,
    /// [`Status::Closed`] after [`shutdown`](Runtime::shutdown)), and the
    /// call's outcome ([`Status::Library`] with the library's code and
    /// message, [`Status::Closed`] when the runtime shut down first).
    pub fn call_blocking(&self, method: u32, key: Key, payload: &[u8]) -> Result<Buffer> {
        self.call(method, key, payload).wait()
    }

    /// As [`call_blocking`](Runtime::call_blocking), with [`CallOptions`].
    pub fn call_blocking_with(
        &self,
        method: u32,
        key: Key,
        payload: &[u8],
        options: CallOptions,
    ) -> Result<Buffer> {
        self.call_with(method, key, payload, options).wait()
    }
}
