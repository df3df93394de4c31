//! [`Stream`]: an explicit producer whose calls with one key run in
//! submission order (tether/stream.h).

use std::fmt;
use std::ptr::{self, NonNull};

use tether_sys as sys;

use crate::call::{moved_call, raw_call, submit};
use crate::{Buffer, Call, CallOptions, Error, Key, Result, Runtime, Status};

/// An ordered sequence of calls (`tether_stream`): calls submitted through
/// one stream with the same key (not [`Key::Any`]) run in the order they
/// were submitted. Calls with [`Key::Any`] keep no order.
///
/// Its calls are [`Call`] futures like any other, borrowing the runtime
/// rather than the stream: submit several, then await them.
///
/// `Send` but not `Sync`: tether/stream.h allows one thread at a time per
/// stream. Moving it to another thread is fine; sharing `&Stream` between
/// threads does not compile:
///
/// ```compile_fail
/// fn share(stream: &tether::Stream<'_>) {
///     std::thread::scope(|scope| {
///         scope.spawn(|| stream.call(5, tether::Key::Of(1), &[]));
///         scope.spawn(|| stream.call(5, tether::Key::Of(1), &[]));
///     });
/// }
/// ```
pub struct Stream<'rt> {
    raw: NonNull<sys::tether_stream>,
    runtime: &'rt Runtime,
}

// SAFETY: tether/stream.h: submit and destroy are "one thread at a time per
// stream", any thread being allowed to be the one: moving the owner between
// threads is what Send allows. Sync is not implemented (raw is NonNull,
// which is not Sync), so no two threads can submit through one stream at
// once.
unsafe impl Send for Stream<'_> {}

impl Runtime {
    /// Opens a stream (`tether_stream_open`).
    ///
    /// Errors: [`Status::Closed`] after shutdown, [`Status::NoMemory`].
    pub fn stream(&self) -> Result<Stream<'_>> {
        let mut raw: *mut sys::tether_stream = ptr::null_mut();
        // SAFETY: a live runtime and a valid out-parameter; any thread.
        let status = unsafe { sys::tether_stream_open(self.as_ptr(), &mut raw) };
        Error::check(status, || "tether_stream_open".to_string())?;
        match NonNull::new(raw) {
            Some(raw) => Ok(Stream { raw, runtime: self }),
            None => Err(Error::new(
                Status::Internal,
                "tether_stream_open returned TETHER_OK without a stream",
            )),
        }
    }
}

impl<'rt> Stream<'rt> {
    /// Submits one call through the stream (`tether_stream_submit`); as
    /// [`Runtime::call`] otherwise.
    pub fn call(&self, method: u32, key: Key, payload: &[u8]) -> Call<'rt> {
        self.call_with(method, key, payload, CallOptions::new())
    }

    /// As [`call`](Stream::call), with [`CallOptions`].
    pub fn call_with(
        &self,
        method: u32,
        key: Key,
        payload: &[u8],
        options: CallOptions,
    ) -> Call<'rt> {
        let call = raw_call(method, key, payload, &options);
        submit(self.runtime, Some(self.raw), &call, None)
    }

    /// As [`call_with`](Stream::call_with), moving a tether buffer in as
    /// the payload, as [`Runtime::call_moved`] does.
    pub fn call_moved(
        &self,
        method: u32,
        key: Key,
        payload: Buffer,
        options: CallOptions,
    ) -> Call<'rt> {
        let call = moved_call(method, key, &payload, &options);
        submit(self.runtime, Some(self.raw), &call, Some(payload))
    }

    /// The runtime the stream submits to.
    pub fn runtime(&self) -> &'rt Runtime {
        self.runtime
    }
}

impl Drop for Stream<'_> {
    fn drop(&mut self) {
        // SAFETY: owned, destroyed once; &mut self means no submit through
        // it is running. Calls already submitted still complete.
        unsafe { sys::tether_stream_destroy(self.raw.as_ptr()) };
    }
}

impl fmt::Debug for Stream<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stream").finish_non_exhaustive()
    }
}
