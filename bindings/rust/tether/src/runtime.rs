use std::ffi::{c_void, CStr, CString};
use std::mem::{self, MaybeUninit};
use std::os::raw::c_char;
use std::path::Path;
use std::ptr::{self, NonNull};
use std::time::Duration;

use tether_sys as sys;

use crate::{Buffer, Error, Result, Status};

/// Runtime settings (`tether_runtime_config`), starting from the defaults
/// of `tether_runtime_config_init`. Setters take and return the config, as
/// a builder:
///
/// ```
/// let config = tether::Config::new().lanes(4).max_payload_bytes(1 << 20);
/// assert_eq!(config.get_lanes(), 4);
/// ```
///
/// Values are checked by tether when the runtime opens
/// ([`Status::InvalidArg`] when out of range).
#[derive(Debug, Clone)]
pub struct Config {
    raw: sys::tether_runtime_config,
}

// SAFETY: the only pointer in the raw config, library_data, is never set by
// this crate (it stays NULL); the rest are plain numbers.
unsafe impl Send for Config {}
// SAFETY: as for Send.
unsafe impl Sync for Config {}

impl Config {
    /// The defaults (`tether_runtime_config_init`): one lane, 16384 calls and
    /// 256 MiB in flight, 64 MiB payloads.
    pub fn new() -> Config {
        let mut raw = MaybeUninit::<sys::tether_runtime_config>::zeroed();
        // SAFETY: init fills every field of the struct it is handed; any
        // thread. All-zero bytes are a valid value of the struct besides.
        let raw = unsafe {
            sys::tether_runtime_config_init(raw.as_mut_ptr());
            raw.assume_init()
        };
        Config { raw }
    }

    /// Number of lanes (threads running the library), 1 to 256.
    pub fn lanes(mut self, lanes: u32) -> Config {
        self.raw.lanes = lanes;
        self
    }

    /// At most this many calls in flight, 1 to 2^20.
    pub fn max_calls_in_flight(mut self, calls: u32) -> Config {
        self.raw.max_calls_in_flight = calls;
        self
    }

    /// At most this many payload bytes in flight.
    pub fn max_bytes_in_flight(mut self, bytes: u64) -> Config {
        self.raw.max_bytes_in_flight = bytes;
        self
    }

    /// Largest single payload; a call with a larger one fails with
    /// [`Status::TooLarge`].
    pub fn max_payload_bytes(mut self, bytes: u64) -> Config {
        self.raw.max_payload_bytes = bytes;
        self
    }

    /// The number of lanes set.
    pub fn get_lanes(&self) -> u32 {
        self.raw.lanes
    }

    /// The calls-in-flight limit set.
    pub fn get_max_calls_in_flight(&self) -> u32 {
        self.raw.max_calls_in_flight
    }

    /// The bytes-in-flight limit set.
    pub fn get_max_bytes_in_flight(&self) -> u64 {
        self.raw.max_bytes_in_flight
    }

    /// The payload limit set.
    pub fn get_max_payload_bytes(&self) -> u64 {
        self.raw.max_payload_bytes
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::new()
    }
}

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
    fn raw(self) -> u64 {
        match self {
            Key::Any => sys::TETHER_KEY_ANY,
            Key::Of(key) => key,
        }
    }
}

/// A tether runtime: a library served on lanes tether owns
/// (`tether_runtime`).
///
/// Dropping it shuts it down (cancelling calls still in flight) and frees
/// it, ignoring errors; [`Runtime::close`] does the same and reports them.
pub struct Runtime {
    raw: NonNull<sys::tether_runtime>,
}

// SAFETY: every function this type calls with a shared reference
// (tether_submit_cq, tether_cq_open, tether_runtime_shutdown,
// tether_runtime_lanes) is documented "Thread safety: any thread" in
// tether/call.h, tether/cq.h and tether/runtime.h. The one that is not,
// tether_runtime_destroy ("once per handle, and not concurrently with any
// other call naming this runtime"), runs only from close(self) or Drop,
// which own the Runtime, so no other call can be running.
unsafe impl Send for Runtime {}
// SAFETY: as for Send.
unsafe impl Sync for Runtime {}

/// Takes a NUL-terminated tether buffer's text and frees the buffer.
///
/// # Safety
///
/// `text` is NULL or a live NUL-terminated tether buffer nothing else frees.
unsafe fn take_text(text: *mut c_char) -> String {
    if text.is_null() {
        return String::new();
    }
    let owned = CStr::from_ptr(text).to_string_lossy().into_owned();
    let _ = sys::tether_buf_free(text as *mut c_void);
    owned
}

fn version_text(number: u32) -> String {
    format!(
        "{}.{}.{}",
        number / 1_000_000,
        number / 1000 % 1000,
        number % 1000
    )
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
        let loaded = crate::version_number();
        if loaded != sys::TETHER_VERSION_NUMBER {
            return Err(Error::new(
                Status::Version,
                format!(
                    "the loaded libtether is version {} ({}) but this crate was built for {} ({})",
                    version_text(loaded),
                    loaded,
                    version_text(sys::TETHER_VERSION_NUMBER),
                    sys::TETHER_VERSION_NUMBER
                ),
            ));
        }
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
        // config are borrowed only through it. Any thread.
        let status = unsafe {
            sys::tether_runtime_open_path(
                c_path.as_ptr(),
                c_symbol.as_ptr(),
                &config.raw,
                &mut runtime,
                &mut error,
            )
        };
        // SAFETY: error is NULL or a tether buffer that is ours to free.
        let text = unsafe { take_text(error) };
        if status != sys::TETHER_OK {
            let message = if text.is_empty() {
                format!("opening {:?} (symbol {:?}) failed", path, symbol)
            } else {
                text
            };
            return Err(Error::new(Status::from_code(status), message));
        }
        match NonNull::new(runtime) {
            Some(raw) => Ok(Runtime { raw }),
            None => Err(Error::new(
                Status::Internal,
                "tether_runtime_open_path returned TETHER_OK without a runtime",
            )),
        }
    }

    fn as_ptr(&self) -> *mut sys::tether_runtime {
        self.raw.as_ptr()
    }

    /// The number of lanes the runtime runs.
    pub fn lanes(&self) -> u32 {
        // SAFETY: a live runtime; any thread.
        unsafe { sys::tether_runtime_lanes(self.as_ptr()) }
    }

    /// Makes one call and blocks until its completion arrives, returning the
    /// library's reply.
    ///
    /// The payload is copied before the call is submitted. Each call opens
    /// its own completion queue, waits on it and destroys it: simple, and
    /// any number of threads may call at once with no lock between them
    /// (one queue per call means no two threads ever poll the same queue).
    ///
    /// Errors: what submit refuses ([`Status::TooLarge`] for a payload over
    /// `max_payload_bytes`, [`Status::Busy`] over the credits,
    /// [`Status::Closed`] after [`shutdown`](Runtime::shutdown)), and the
    /// call's outcome ([`Status::Library`] with the library's code and
    /// message, [`Status::Closed`] when the runtime shut down first).
    pub fn call_blocking(&self, method: u32, key: Key, payload: &[u8]) -> Result<Buffer> {
        let mut cq: *mut sys::tether_cq = ptr::null_mut();
        // SAFETY: a live runtime; any thread.
        let status = unsafe { sys::tether_cq_open(self.as_ptr(), &mut cq) };
        Error::check(status, || {
            format!("tether_cq_open for a call of method {}", method)
        })?;
        let queue = Queue(cq);

        let mut call = MaybeUninit::<sys::tether_call>::zeroed();
        // SAFETY: init fills the whole struct; any thread.
        let mut call = unsafe {
            sys::tether_call_init(call.as_mut_ptr());
            call.assume_init()
        };
        call.method = method;
        call.key = key.raw();
        call.payload = if payload.is_empty() {
            ptr::null()
        } else {
            payload.as_ptr() as *const c_void
        };
        call.payload_len = payload.len();
        // SAFETY: call and its payload are borrowed for the call only (the
        // payload is copied, no MOVE flag); the queue belongs to this
        // runtime and outlives the submit.
        let status =
            unsafe { sys::tether_submit_cq(self.as_ptr(), &call, queue.0, 0, ptr::null_mut()) };
        Error::check(status, || {
            format!(
                "submit of method {} ({} payload bytes) refused",
                method,
                payload.len()
            )
        })?;

        let completion = queue.wait()?;
        // SAFETY: the completion's result and error buffers are ours, and
        // each is taken exactly once here.
        let result =
            unsafe { Buffer::from_raw(completion.result as *mut u8, completion.result_len) };
        let text = unsafe { take_text(completion.error) };
        if completion.status == sys::TETHER_OK {
            Ok(result)
        } else {
            drop(result);
            let message = if text.is_empty() {
                format!("call of method {} failed", method)
            } else {
                text
            };
            Err(Error::new(Status::from_code(completion.status), message)
                .with_library_code(completion.library_code))
        }
    }

    /// Stops intake and ends every call still in flight with
    /// [`Status::Closed`] at once (`TETHER_SHUTDOWN_CANCEL`). Later calls
    /// fail with [`Status::Closed`]. Idempotent; the runtime stays valid
    /// until dropped or closed.
    pub fn shutdown(&self) -> Result<()> {
        // SAFETY: a live runtime; any thread.
        let status =
            unsafe { sys::tether_runtime_shutdown(self.as_ptr(), sys::TETHER_SHUTDOWN_CANCEL, 0) };
        Error::check(status, || "tether_runtime_shutdown".to_string())
    }

    /// As [`shutdown`](Runtime::shutdown), but first waits up to `timeout`
    /// for calls in flight to finish (`TETHER_SHUTDOWN_DRAIN`).
    pub fn shutdown_drain(&self, timeout: Duration) -> Result<()> {
        let nanos = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
        // SAFETY: a live runtime; any thread.
        let status = unsafe {
            sys::tether_runtime_shutdown(self.as_ptr(), sys::TETHER_SHUTDOWN_DRAIN, nanos)
        };
        Error::check(status, || "tether_runtime_shutdown (drain)".to_string())
    }

    /// Shuts down if needed and frees the runtime
    /// (`tether_runtime_destroy`), reporting its status. Dropping the
    /// runtime does the same but ignores the status.
    pub fn close(self) -> Result<()> {
        let raw = self.as_ptr();
        mem::forget(self);
        // SAFETY: we owned the runtime, so no other call names it; it is
        // destroyed exactly once (Drop will not run).
        let status = unsafe { sys::tether_runtime_destroy(raw) };
        Error::check(status, || "tether_runtime_destroy".to_string())
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // SAFETY: as in close: owned, so nothing else names it, destroyed
        // once. TETHER_E_WOULD_DEADLOCK (only from inside one of its own
        // threads, which this crate never runs code on) leaves it allocated.
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

/// One call's completion queue, destroyed on drop (which also frees a
/// completion still queued or in flight).
struct Queue(*mut sys::tether_cq);

impl Queue {
    /// Blocks until the queue's one completion arrives.
    fn wait(&self) -> Result<sys::tether_completion> {
        loop {
            let mut completion = MaybeUninit::<sys::tether_completion>::zeroed();
            let mut count = 0usize;
            // SAFETY: out has room for one element of elem_size bytes; only
            // this thread polls this queue.
            let status = unsafe {
                sys::tether_cq_poll(
                    self.0,
                    completion.as_mut_ptr() as *mut c_void,
                    mem::size_of::<sys::tether_completion>(),
                    1,
                    u64::MAX,
                    &mut count,
                )
            };
            Error::check(status, || "tether_cq_poll".to_string())?;
            if count == 1 {
                // SAFETY: tether wrote the element (zeroed before, so every
                // field is initialized either way).
                return Ok(unsafe { completion.assume_init() });
            }
        }
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        // SAFETY: the queue is ours, destroyed once, with no other call on it
        // running (only the owning thread uses it).
        unsafe { sys::tether_cq_destroy(self.0) };
    }
}
