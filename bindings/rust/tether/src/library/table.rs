//! The `tether_library` table of a [`LaneState`] type: one `extern "C"`
//! trampoline per entry, each inside `catch_unwind`, the lane's state
//! reached through the typed pointer lane start hands tether.

use std::cell::RefCell;
use std::ffi::c_void;
use std::mem;
use std::os::raw::c_char;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;

use tether_sys as sys;

use super::host::{c_text, HostFns};
use super::lane::LaneContext;
use super::{panic as panics, Host, Lane, LaneState, LogLevel, Reply, Request};

/// What `lane_state` points at: the lane's context and the library's
/// state, both created and dropped on the lane.
struct LaneBox<S> {
    ctx: Rc<LaneContext>,
    state: RefCell<Option<S>>,
}

/// A library table to export under a symbol: what
/// [`export_library!`](crate::export_library) builds. `Sync` so it can be a
/// `static`: it is never written, and its name points at a static string.
#[doc(hidden)]
pub struct LibraryTable(sys::tether_library);

// SAFETY: read-only after construction; the name pointer is a 'static
// string and the rest are function pointers.
unsafe impl Sync for LibraryTable {}

impl LibraryTable {
    /// The table serving `S`. `name` must end with a NUL byte (checked:
    /// in a `static`, a name without one does not compile).
    pub const fn new<S: LaneState>(name: &'static [u8]) -> LibraryTable {
        if name.is_empty() || name[name.len() - 1] != 0 {
            panic!("a library name must end with a NUL byte");
        }
        LibraryTable(sys::tether_library {
            struct_size: mem::size_of::<sys::tether_library>(),
            abi_version: sys::TETHER_LIBRARY_ABI_VERSION,
            reserved0: 0,
            name: name.as_ptr() as *const c_char,
            lane_start: Some(lane_start::<S>),
            handle: Some(handle::<S>),
            lane_stop: Some(lane_stop::<S>),
        })
    }

    /// The pointer the exported entry returns.
    pub fn as_ptr(&'static self) -> *const sys::tether_library {
        &self.0
    }
}

extern "C" fn lane_start<S: LaneState>(
    host: *const sys::tether_host_api,
    lane: *mut sys::tether_lane,
    lane_index: u32,
    _library_data: *mut c_void,
    lane_state: *mut *mut c_void,
) -> sys::tether_status {
    match panic::catch_unwind(AssertUnwindSafe(|| {
        start::<S>(host, lane, lane_index, lane_state)
    })) {
        Ok(status) => status,
        Err(payload) => {
            panics::discard(payload);
            sys::TETHER_E_INTERNAL
        }
    }
}

fn start<S: LaneState>(
    host: *const sys::tether_host_api,
    lane: *mut sys::tether_lane,
    index: u32,
    lane_state: *mut *mut c_void,
) -> sys::tether_status {
    if lane.is_null() || lane_state.is_null() {
        return sys::TETHER_E_INVALID_ARG;
    }
    // SAFETY: tether hands lane_start a live table (or NULL, refused).
    let fns = match unsafe { HostFns::from_table(host) } {
        Ok(fns) => fns,
        Err(why) => {
            // SAFETY: as above; log is read only from a table long enough.
            if let Some(log) = unsafe { log_of(host) } {
                let text = c_text(&format!("lane {}: cannot start: {}", index, why));
                // SAFETY: any thread; the text outlives the call.
                unsafe { log(sys::TETHER_LOG_ERROR, text.as_ptr()) };
            }
            return sys::TETHER_E_VERSION;
        }
    };
    let ctx = LaneContext::new(Host { fns }, lane, index);
    let handle = Lane { ctx: ctx.clone() };
    LaneContext::enter(&handle);
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| S::start(&handle)));
    drop(handle);
    match outcome {
        Ok(Ok(state)) => {
            let lane_box = Box::new(LaneBox {
                ctx,
                state: RefCell::new(Some(state)),
            });
            // SAFETY: lane_state is a live out-parameter (checked non-NULL).
            unsafe { *lane_state = Box::into_raw(lane_box) as *mut c_void };
            sys::TETHER_OK
        }
        Ok(Err(error)) => {
            ctx.host
                .log(LogLevel::Error, &format!("start failed: {}", error));
            ctx.close();
            sys::TETHER_E_LIBRARY
        }
        Err(payload) => {
            ctx.settle(|| "start".to_string(), Err(payload));
            ctx.close();
            sys::TETHER_E_LIBRARY
        }
    }
}

/// The table's log function, when the table is long enough to hold one.
///
/// # Safety
///
/// `host` is NULL or a live table of at least `struct_size` bytes.
unsafe fn log_of(host: *const sys::tether_host_api) -> Option<super::host::LogFn> {
    if host.is_null() || (*host).struct_size < mem::size_of::<sys::tether_host_api>() {
        None
    } else {
        (*host).log
    }
}

extern "C" fn handle<S: LaneState>(lane_state: *mut c_void, request: *const sys::tether_request) {
    if lane_state.is_null() || request.is_null() {
        return;
    }
    // SAFETY: lane_state is the LaneBox<S> this lane's start made (tether
    // passes it back unchanged, on the same lane, until lane stop); the
    // request is borrowed for this call.
    let (lane_box, raw) = unsafe { (&*(lane_state as *const LaneBox<S>), &*request) };
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        let reply = Reply::new(lane_box.ctx.clone(), raw.id, raw.method);
        let request = Request::new(raw, &lane_box.ctx);
        // A second borrow would mean tether re-entered the handler: it
        // panics here and is reported like any other panic.
        if let Some(state) = lane_box.state.borrow_mut().as_mut() {
            state.handle(request, reply);
        }
    }));
    lane_box
        .ctx
        .settle(|| format!("the handler of method {}", raw.method), outcome);
}

extern "C" fn lane_stop<S: LaneState>(lane_state: *mut c_void) {
    if lane_state.is_null() {
        return;
    }
    // SAFETY: as in handle; lane stop is the last entry, so the box is
    // taken back here once.
    let lane_box = unsafe { Box::from_raw(lane_state as *mut LaneBox<S>) };
    let ctx = lane_box.ctx.clone();
    // Replies the state still holds complete nothing: every call the lane
    // had has ended with TETHER_E_CLOSED.
    let outcome = panic::catch_unwind(AssertUnwindSafe(move || drop(lane_box)));
    ctx.settle(|| "stop".to_string(), outcome);
    ctx.close();
}

/// Exports a library served by tether: an `extern "C"` function named
/// `symbol` that returns the `tether_library` table serving the
/// [`LaneState`](crate::library::LaneState) type `state`, for
/// `tether_runtime_open_path(path, "symbol", ...)` in any host.
///
/// ```no_run
/// use tether::library::{Lane, LaneState, Reply, Request, StartError};
///
/// struct Echo;
///
/// impl LaneState for Echo {
///     fn start(_lane: &Lane) -> Result<Echo, StartError> {
///         Ok(Echo)
///     }
///     fn handle(&mut self, request: Request<'_>, reply: Reply) {
///         let _ = reply.ok(request.payload());
///     }
/// }
///
/// // `name` appears in tether's log lines ("library 'echo' on lane 0: ...");
/// // without it the symbol's name is used.
/// tether::export_library!(echo_library, Echo, name = "echo");
/// ```
///
/// The state type must be a [`LaneState`](crate::library::LaneState);
/// anything else is refused at compile time:
///
/// ```compile_fail
/// struct NotAState;
/// tether::export_library!(broken_library, NotAState);
/// ```
#[macro_export]
macro_rules! export_library {
    (@export $symbol:ident, $state:ty, $c_name:expr) => {
        #[no_mangle]
        pub extern "C" fn $symbol() -> *const $crate::library::__private::tether_library {
            static TABLE: $crate::library::__private::LibraryTable =
                $crate::library::__private::LibraryTable::new::<$state>($c_name);
            TABLE.as_ptr()
        }
    };
    ($symbol:ident, $state:ty, name = $name:literal $(,)?) => {
        $crate::export_library!(@export $symbol, $state, concat!($name, "\0").as_bytes());
    };
    ($symbol:ident, $state:ty $(,)?) => {
        $crate::export_library!(
            @export $symbol,
            $state,
            concat!(stringify!($symbol), "\0").as_bytes()
        );
    };
}
