//! [`Runtime`]: opening a library, shutting it down, closing it.

use std::ffi::CString;
use std::mem;
use std::os::raw::c_char;
use std::path::Path;
use std::ptr::{self, NonNull};
use std::time::Duration;

use tether_sys as sys;

use crate::text::take_text;
use crate::{Config, Error, Result, Status};

/// How [`Runtime::shutdown_with`] ends the calls still in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShutdownMode {
    /// Wait up to the timeout for calls in flight to finish, then end the
    /// rest with [`Status::Closed`] (`TETHER_SHUTDOWN_DRAIN`).
    Drain,
    /// End every pending call with [`Status::Closed`] at once
    /// (`TETHER_SHUTDOWN_CANCEL`); the timeout is not used.
    Cancel,
}

/// A tether runtime: a library served on lanes tether owns
/// (`tether_runtime`).
///
/// Calls ([`Runtime::call`], [`Runtime::call_blocking`], [`Stream`]s)
/// borrow it, so it cannot be closed or dropped while one is alive.
/// Dropping it shuts it down (cancelling calls still in flight) and frees
/// it, ignoring errors; [`Runtime::close`] does the same and reports them.
/// To share it between tasks or threads, put it in an `Arc`.
///
/// [`Stream`]: crate::Stream
pub struct Runtime {
    raw: NonNull<sys::tether_runtime>,
}

// SAFETY: every function this crate calls with a shared reference to the
// runtime (tether_submit, tether_submit_batch, tether_cancel,
// tether_stream_open, tether_runtime_shutdown, tether_runtime_stats,
// tether_runtime_lane_stats, tether_runtime_leak_report,
// tether_runtime_lanes) is documented "Thread safety: any thread" in
// tether/call.h, tether/stream.h, tether/runtime.h and tether/stats.h. The
// one that is not, tether_runtime_destroy ("once per handle, and not
// concurrently with any other call naming this runtime"), runs only from
// close(self) or Drop, which own the Runtime: every Call and Stream
// borrows it, so none is alive then and no other call can be running.
unsafe impl Send for Runtime {}
// SAFETY: as for Send.
unsafe impl Sync for Runtime {}

fn version_text(number: u32) -> String {
    format!(
        "{}.{}.{}",
        number / 1_000_000,
        number / 1000 % 1000,
        number % 1000
    )
}

/// Fails unless the loaded libtether is the version tether-sys declares.
fn check_version() -> Result<()> {
    let loaded = crate::version_number();
    if loaded == sys::TETHER_VERSION_NUMBER {
        return Ok(());
    }
    Err(Error::new(
        Status::Version,
        format!(
            "the loaded libtether is version {} ({}) but this crate was built for {} ({})",
            version_text(loaded),
            loaded,
            version_text(sys::TETHER_VERSION_NUMBER),
            sys::TETHER_VERSION_NUMBER
        ),
    ))
}

#[cfg(unix)]
fn path_to_cstring(path: &Path) -> Option<CString> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(path.as_os_str().as_bytes()).ok()
}

#[cfg(not(unix))]
fn path_to_cstring(path: &Path) -> Option<CString> {
    path.to_str().and_then(|text| CString::new(text).ok())
}

/// The runtime an open returned, or its error (text freed).
///
/// # Safety
///
/// `error` is NULL or a tether buffer that is ours to free.
unsafe fn opened(
    status: sys::tether_status,
    runtime: *mut sys::tether_runtime,
    error: *mut c_char,
    what: impl FnOnce() -> String,
) -> Result<Runtime> {
    let text = take_text(error);
    if status != sys::TETHER_OK {
        let message = if text.is_empty() { what() } else { text };
        return Err(Error::new(Status::from_code(status), message));
    }
    match NonNull::new(runtime) {
        Some(raw) => Ok(Runtime { raw }),
        None => Err(Error::new(
            Status::Internal,
            format!("{}: TETHER_OK without a runtime", what()),
        )),
    }
}

impl Runtime {
    /// Opens a runtime serving the library at `path` whose exported function
    /// `symbol` returns its table (`tether_runtime_open_path`). Blocks until
    /// every lane has started.
    ///
    /// Fails with [`Status::Version`] when the loaded libtether is not the
    /// version `tether-sys` declares, [`Status::Load`] when the file cannot
    /// be loaded or lacks the symbol (the message names it), and
    /// [`Status::InvalidArg`] for a config value out of range or a path or
    /// symbol holding a NUL byte.
    pub fn open_path(path: impl AsRef<Path>, symbol: &str, config: &Config) -> Result<Runtime> {
        let path = path.as_ref();
        check_version()?;
        let c_path = path_to_cstring(path).ok_or_else(|| {
            Error::new(
                Status::InvalidArg,
                format!("library path {:?} holds a NUL byte", path),
            )
        })?;
        let c_symbol = CString::new(symbol).map_err(|_| {
            Error::new(
                Status::InvalidArg,
                format!("symbol {:?} holds a NUL byte", symbol),
            )
        })?;
        let mut runtime: *mut sys::tether_runtime = ptr::null_mut();
        let mut error: *mut c_char = ptr::null_mut();
        // SAFETY: every pointer is valid for the call; path, symbol and
        // config are borrowed only through it; error is then ours. Any
        // thread.
        unsafe {
            let status = sys::tether_runtime_open_path(
                c_path.as_ptr(),
                c_symbol.as_ptr(),
                config.raw(),
                &mut runtime,
                &mut error,
            );
            opened(status, runtime, error, || {
                format!("opening {:?} (symbol {:?}) failed", path, symbol)
            })
        }
    }

    /// Opens a runtime serving a library linked into this program
    /// (`tether_runtime_open`): its table of functions, borrowed for as
    /// long as the process runs. Blocks until every lane has started.
    ///
    /// Fails with [`Status::Version`] (libtether's version, or a table or
    /// ABI version newer than this tether), [`Status::InvalidArg`] (a
    /// table missing a function, a config value out of range) and
    /// [`Status::Load`] (a lane_start failed), with tether's message.
    ///
    /// # Safety
    ///
    /// tether calls the table's functions on its lanes and reads its name,
    /// so the table must keep tether/library.h's contract: `name` is NULL or
    /// a NUL-terminated string that lives as long as the table;
    /// `lane_start`, `handle` and `lane_stop` are sound to call from the
    /// lane threads with the arguments library.h describes, never unwind,
    /// and reply to each request exactly once as its reply rule says.
    pub unsafe fn open(library: &'static sys::tether_library, config: &Config) -> Result<Runtime> {
        check_version()?;
        let mut runtime: *mut sys::tether_runtime = ptr::null_mut();
        let mut error: *mut c_char = ptr::null_mut();
        // SAFETY: the library table is 'static and keeps the contract (the
        // caller's promise); config is borrowed for the call; error is then
        // ours. Any thread.
        let status = sys::tether_runtime_open(library, config.raw(), &mut runtime, &mut error);
        opened(status, runtime, error, || {
            "opening a linked-in library failed".to_string()
        })
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::tether_runtime {
        self.raw.as_ptr()
    }

    /// The raw handle, for tether-sys functions this crate does not wrap
    /// (completion queues, say). It stays valid while this `Runtime` lives;
    /// it must not be shut down or destroyed through the raw API.
    pub fn as_raw(&self) -> *mut sys::tether_runtime {
        self.as_ptr()
    }

    /// The number of lanes the runtime runs.
    pub fn lanes(&self) -> u32 {
        // SAFETY: a live runtime; any thread.
        unsafe { sys::tether_runtime_lanes(self.as_ptr()) }
    }

    /// Stops intake and ends every call still in flight with
    /// [`Status::Closed`] at once: [`shutdown_with`](Runtime::shutdown_with)
    /// in [`ShutdownMode::Cancel`].
    pub fn shutdown(&self) -> Result<()> {
        self.shutdown_with(ShutdownMode::Cancel, Duration::ZERO)
    }

    /// Drains: [`shutdown_with`](Runtime::shutdown_with) in
    /// [`ShutdownMode::Drain`] with `timeout`.
    pub fn shutdown_drain(&self, timeout: Duration) -> Result<()> {
        self.shutdown_with(ShutdownMode::Drain, timeout)
    }

    /// Stops intake and ends every call (`tether_runtime_shutdown`): in
    /// [`ShutdownMode::Drain`] after waiting up to `timeout` for calls in
    /// flight to finish, in [`ShutdownMode::Cancel`] at once; calls left end
    /// with [`Status::Closed`]. When it returns every call has completed and
    /// no completion of this runtime will run again; later calls fail with
    /// [`Status::Closed`]. Idempotent; the runtime stays valid until dropped
    /// or closed.
    ///
    /// Blocks (up to `timeout`, then until running handlers return): on an
    /// async executor, call it where blocking is allowed (for tokio,
    /// `spawn_blocking` or `block_in_place`). Fails with
    /// [`Status::WouldDeadlock`] on one of the runtime's own threads (from
    /// a waker woken there that polls a task inline).
    pub fn shutdown_with(&self, mode: ShutdownMode, timeout: Duration) -> Result<()> {
        let (mode, name) = match mode {
            ShutdownMode::Drain => (sys::TETHER_SHUTDOWN_DRAIN, "drain"),
            ShutdownMode::Cancel => (sys::TETHER_SHUTDOWN_CANCEL, "cancel"),
        };
        let nanos = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
        // SAFETY: a live runtime; any thread.
        let status = unsafe { sys::tether_runtime_shutdown(self.as_ptr(), mode, nanos) };
        Error::check(status, || format!("tether_runtime_shutdown ({})", name))
    }

    /// Shuts down if needed and frees the runtime
    /// (`tether_runtime_destroy`), reporting its status. Dropping the
    /// runtime does the same but ignores the status.
    pub fn close(self) -> Result<()> {
        let raw = self.as_ptr();
        mem::forget(self);
        // SAFETY: we owned the runtime, and nothing borrows it (calls and
        // streams hold a borrow), so no other call names it; it is
        // destroyed exactly once (Drop will not run).
        let status = unsafe { sys::tether_runtime_destroy(raw) };
        Error::check(status, || "tether_runtime_destroy".to_string())
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // SAFETY: as in close: owned and unborrowed, so nothing else names
        // it, destroyed once. TETHER_E_WOULD_DEADLOCK (only from one of its
        // own threads, where this crate runs no user code but a waker)
        // leaves it allocated: leaked rather than freed under a lane.
        let _ = unsafe { sys::tether_runtime_destroy(self.as_ptr()) };
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("lanes", &self.lanes())
            .finish()
    }
}
