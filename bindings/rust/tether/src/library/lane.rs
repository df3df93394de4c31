//! One lane as the library sees it: [`Lane`] (lane only), its gauges,
//! posted work and timers, and [`Remote`], the one piece any thread may hold.

use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tether_sys as sys;

use super::host::{c_text, Host, LogLevel};
use super::{panic as panics, PANIC_CODE};
use crate::{Error, Result, Status};

thread_local! {
    /// The lane this thread runs, from lane start to lane stop: how work
    /// posted through a [`Remote`] finds its [`Lane`].
    static CURRENT: RefCell<Option<Lane>> = const { RefCell::new(None) };
}

/// What every [`Lane`], [`Reply`](super::Reply) and [`Gauge`] of one lane
/// share. Lives on the lane (it is `!Send`); outlives lane stop when the
/// library keeps a clone, and is then closed: nothing that names the lane
/// is called again.
pub(crate) struct LaneContext {
    pub(crate) host: Host,
    raw: *mut sys::tether_lane,
    index: u32,
    open: Cell<bool>,
    /// Requests whose Reply was dropped while a panic unwound, each with
    /// its method: the trampoline that caught the panic replies to them.
    unwound: RefCell<Vec<(u64, u32)>>,
    remote: Arc<RemoteLane>,
}

impl LaneContext {
    pub(crate) fn new(host: Host, raw: *mut sys::tether_lane, index: u32) -> Rc<LaneContext> {
        let remote = Arc::new(RemoteLane {
            open: RwLock::new(true),
            raw,
            index,
            host,
        });
        Rc::new(LaneContext {
            host,
            raw,
            index,
            open: Cell::new(true),
            unwound: RefCell::new(Vec::new()),
            remote,
        })
    }

    /// Makes `lane` the one work posted from other threads runs with.
    pub(crate) fn enter(lane: &Lane) {
        let _ = CURRENT.try_with(|current| *current.borrow_mut() = Some(lane.clone()));
    }

    /// Between lane start and lane stop.
    pub(crate) fn is_open(&self) -> bool {
        self.open.get()
    }

    /// At lane stop (or a failed start): from now on nothing here calls a
    /// host function that names the lane or a request. Waits for a
    /// [`Remote::post`] in progress on another thread.
    pub(crate) fn close(&self) {
        self.open.set(false);
        *self
            .remote
            .open
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = false;
        let _ = CURRENT.try_with(|current| current.borrow_mut().take());
    }

    /// The lane's pointer, valid while the lane runs.
    fn raw_lane(&self, what: &str) -> Result<*mut sys::tether_lane> {
        if self.is_open() {
            Ok(self.raw)
        } else {
            Err(Error::new(
                Status::Closed,
                format!("{}: lane {} has stopped", what, self.index),
            ))
        }
    }

    /// Remembers a request whose Reply was dropped by an unwinding panic.
    /// False when that cannot be done (then the caller replies at once).
    pub(crate) fn note_unwound(&self, request: u64, method: u32) -> bool {
        match self.unwound.try_borrow_mut() {
            Ok(mut unwound) => {
                unwound.push((request, method));
                true
            }
            Err(_) => false,
        }
    }

    /// Called on the lane after every library entry returns (`what` names
    /// the entry, "the handler of method 3"; it is only called for a
    /// panic): logs a panic it caught, and replies to the requests whose
    /// Reply that panic dropped, with the panic's message.
    pub(crate) fn settle<W: FnOnce() -> String>(&self, what: W, outcome: std::thread::Result<()>) {
        let panicked = match outcome {
            Ok(()) => None,
            Err(payload) => {
                let text = format!("{} panicked: {}", what(), panics::message(&*payload));
                panics::discard(payload);
                self.host.log(LogLevel::Error, &text);
                Some(text)
            }
        };
        let unwound = match self.unwound.try_borrow_mut() {
            Ok(mut unwound) => std::mem::take(&mut *unwound),
            Err(_) => return,
        };
        for (request, method) in unwound {
            if super::request::is_cancelled(self, request) {
                continue; // ended already: no reply needed
            }
            let text = match &panicked {
                Some(text) => text.clone(),
                // Dropped by a panic the library caught itself.
                None => format!(
                    "method {}: the request was dropped while a panic unwound",
                    method
                ),
            };
            self.reply_error(request, PANIC_CODE, &text);
        }
    }

    /// `reply_error` on the lane, or nothing once the lane has stopped
    /// (every request it had then completed with TETHER_E_CLOSED).
    pub(crate) fn reply_error(&self, request: u64, code: i32, message: &str) -> sys::tether_status {
        if !self.is_open() {
            return sys::TETHER_E_ALREADY_COMPLETED;
        }
        let text = c_text(message);
        // SAFETY: on the lane that runs the request (a LaneContext never
        // leaves its lane), while the lane runs; the message is copied.
        unsafe { (self.host.fns.reply_error)(request, code, text.as_ptr()) }
    }
}

/// One lane of the runtime serving the library: its index, the host
/// functions that name it (gauges, posted work, timers) and the any-thread
/// ones ([`Lane::host`]).
///
/// A cheap handle (`Clone` shares it). It is neither `Send` nor `Sync`: it
/// exists only on its lane. Kept past lane stop (in a `thread_local!`, say),
/// its lane functions fail with [`Status::Closed`] instead of naming a lane
/// that is gone.
///
/// ```compile_fail
/// fn gauge_elsewhere(lane: tether::library::Lane) {
///     std::thread::spawn(move || lane.gauge("from another thread").is_ok());
/// }
/// ```
///
/// Another thread reaches the lane through a [`Remote`], which is `Send`:
///
/// ```
/// fn post_from_elsewhere(lane: &tether::library::Lane) {
///     let remote = lane.remote();
///     std::thread::spawn(move || remote.post(|lane| lane.log(tether::library::LogLevel::Info, "back")).is_ok());
/// }
/// ```
#[derive(Clone)]
pub struct Lane {
    pub(crate) ctx: Rc<LaneContext>,
}

impl Lane {
    /// The lane's index, 0-based.
    pub fn index(&self) -> u32 {
        self.ctx.index
    }

    /// The host functions any thread may call; `Send` and `Sync`, for the
    /// library's own threads.
    pub fn host(&self) -> Host {
        self.ctx.host
    }

    /// Writes a line to the host's log sink, prefixed "library 'NAME' on
    /// lane N: ".
    pub fn log(&self, level: LogLevel, message: &str) {
        self.ctx.host.log(level, message);
    }

    /// Registers a gauge on this lane: a value the library owns that must
    /// not grow without bound (a cache's size, a VM's stack top), watched
    /// by tether's growth watch (`gauge_register`; `name` is copied).
    pub fn gauge(&self, name: &str) -> Result<Gauge> {
        let lane = self.ctx.raw_lane("gauge_register")?;
        let text = c_text(name);
        let mut id = 0u32;
        // SAFETY: on this lane while it runs; name is copied; id is a live
        // local.
        let status = unsafe { (self.ctx.host.fns.gauge_register)(lane, text.as_ptr(), &mut id) };
        Error::check(status, || format!("gauge_register({:?})", name))?;
        Ok(Gauge {
            lane: self.clone(),
            id,
        })
    }

    /// Runs `work` on this lane soon, after the current handler returns
    /// (`post`). If the lane stops first, `work` is dropped without running
    /// (a [`Reply`](super::Reply) it holds then completes nothing: the call
    /// has already ended with [`Status::Closed`]). A panic in `work` is
    /// caught and logged; a Reply it drops completes with the panic's
    /// message.
    pub fn post<F: FnOnce() + 'static>(&self, work: F) -> Result<()> {
        let lane = self.ctx.raw_lane("post")?;
        let arg = LocalWork::boxed(self, "posted work", work);
        // SAFETY: on this lane while it runs; run_local takes arg back
        // exactly once (tether runs fn exactly once for a post it accepted).
        let status = unsafe { (self.ctx.host.fns.post)(lane, Some(run_local), arg) };
        LocalWork::reclaim_unless_ok(status, arg);
        Error::check(status, || format!("post to lane {}", self.index()))
    }

    /// Runs `work` on this lane after `delay` (`timer_start`). Delays past
    /// the clock's reach mean never: then `work` is dropped at lane stop.
    /// Otherwise as [`post`](Lane::post).
    pub fn after<F: FnOnce() + 'static>(&self, delay: Duration, work: F) -> Result<()> {
        let lane = self.ctx.raw_lane("timer_start")?;
        let delay_ns = u64::try_from(delay.as_nanos()).unwrap_or(u64::MAX);
        let arg = LocalWork::boxed(self, "a timer", work);
        // SAFETY: as in post; timer_start is lane only, and a Lane is only
        // ever on its lane.
        let status =
            unsafe { (self.ctx.host.fns.timer_start)(lane, delay_ns, Some(run_local), arg) };
        LocalWork::reclaim_unless_ok(status, arg);
        Error::check(status, || {
            format!("timer_start on lane {} ({:?})", self.index(), delay)
        })
    }

    /// A handle on this lane that other threads may use to post work back
    /// to it.
    pub fn remote(&self) -> Remote {
        Remote {
            shared: self.ctx.remote.clone(),
        }
    }
}

impl std::fmt::Debug for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lane")
            .field("index", &self.ctx.index)
            .field("running", &self.ctx.is_open())
            .finish()
    }
}

/// Work for this lane from this lane: it need not be `Send`.
struct LocalWork {
    lane: Lane,
    what: &'static str,
    body: Box<dyn FnOnce()>,
}

impl LocalWork {
    fn boxed<F: FnOnce() + 'static>(lane: &Lane, what: &'static str, work: F) -> *mut c_void {
        Box::into_raw(Box::new(LocalWork {
            lane: lane.clone(),
            what,
            body: Box::new(work),
        })) as *mut c_void
    }

    /// A post or timer tether refused will never run: drop it here.
    fn reclaim_unless_ok(status: sys::tether_status, arg: *mut c_void) {
        if status != sys::TETHER_OK {
            // SAFETY: tether did not take arg, so this is its only owner.
            drop(unsafe { Box::from_raw(arg as *mut LocalWork) });
        }
    }
}

extern "C" fn run_local(arg: *mut c_void, status: sys::tether_status) {
    if arg.is_null() {
        return;
    }
    // SAFETY: arg came from LocalWork::boxed and tether hands it back once.
    let work = unsafe { Box::from_raw(arg as *mut LocalWork) };
    let ctx = work.lane.ctx.clone();
    let what = work.what;
    let outcome = panic::catch_unwind(AssertUnwindSafe(move || {
        let LocalWork { body, .. } = *work;
        // Not run when the lane stopped first (TETHER_E_CLOSED): dropped.
        if status == sys::TETHER_OK {
            body();
        }
    }));
    ctx.settle(|| what.to_string(), outcome);
}

/// A value on one lane watched by tether's growth watch
/// ([`Lane::gauge`]). Lane only, like its [`Lane`].
#[derive(Debug, Clone)]
pub struct Gauge {
    lane: Lane,
    id: u32,
}

impl Gauge {
    /// Reports the gauge's current value (`gauge_set`): a compare, unless a
    /// power-of-two boundary over the runtime's growth threshold is
    /// crossed, which logs one WARN line naming the gauge.
    pub fn set(&self, value: u64) -> Result<()> {
        let lane = self.lane.ctx.raw_lane("gauge_set")?;
        // SAFETY: on the gauge's lane while it runs.
        let status = unsafe { (self.lane.ctx.host.fns.gauge_set)(lane, self.id, value) };
        Error::check(status, || format!("gauge_set({}, {})", self.id, value))
    }
}

/// Shared by a lane and its [`Remote`]s: the lane pointer, valid while
/// `open` says so; lane stop takes the write lock to clear it, so a post
/// holding the read lock always names a running lane.
struct RemoteLane {
    open: RwLock<bool>,
    raw: *mut sys::tether_lane,
    index: u32,
    host: Host,
}

// SAFETY: the only use of raw off the lane is the host's post, "Thread
// safety: any thread", made under the read lock while the lane runs.
unsafe impl Send for RemoteLane {}
// SAFETY: as for Send.
unsafe impl Sync for RemoteLane {}

/// A lane's address for the library's own threads ([`Lane::remote`]):
/// `Send`, `Sync` and `Clone`. Work posted through it runs on the lane and
/// receives the [`Lane`], so it can reach what only the lane may touch (a
/// [`Reply`](super::Reply) the lane keeps, its `thread_local!`s).
#[derive(Clone)]
pub struct Remote {
    shared: Arc<RemoteLane>,
}

impl Remote {
    /// The lane's index.
    pub fn index(&self) -> u32 {
        self.shared.index
    }

    /// Runs `work` on the lane soon (`post`, from any thread). Fails with
    /// [`Status::Closed`] once the lane has stopped, dropping `work` here;
    /// work accepted but still queued when the lane stops is dropped on the
    /// lane without running. A panic in `work` is caught and logged.
    pub fn post<F: FnOnce(&Lane) + Send + 'static>(&self, work: F) -> Result<()> {
        let open = self
            .shared
            .open
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !*open {
            return Err(Error::new(
                Status::Closed,
                format!("post: lane {} has stopped", self.shared.index),
            ));
        }
        let body: Box<dyn FnOnce(&Lane) + Send> = Box::new(work);
        let arg = Box::into_raw(Box::new(body)) as *mut c_void;
        // SAFETY: the lane runs (the read lock keeps lane stop out); any
        // thread; run_remote takes arg back exactly once.
        let status = unsafe { (self.shared.host.fns.post)(self.shared.raw, Some(run_remote), arg) };
        drop(open);
        if status != sys::TETHER_OK {
            // SAFETY: tether did not take arg: this is its only owner.
            drop(unsafe { Box::from_raw(arg as *mut Box<dyn FnOnce(&Lane) + Send>) });
        }
        Error::check(status, || format!("post to lane {}", self.shared.index))
    }
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("index", &self.shared.index)
            .finish()
    }
}

extern "C" fn run_remote(arg: *mut c_void, status: sys::tether_status) {
    if arg.is_null() {
        return;
    }
    // SAFETY: arg came from Remote::post and tether hands it back once.
    let body = unsafe { Box::from_raw(arg as *mut Box<dyn FnOnce(&Lane) + Send>) };
    let lane = CURRENT
        .try_with(|current| current.borrow().clone())
        .ok()
        .flatten();
    let lane = match lane {
        Some(lane) if status == sys::TETHER_OK => lane,
        // Not run when the lane stopped first: dropped, panics and all.
        _ => {
            if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(move || drop(body))) {
                panics::discard(payload);
            }
            return;
        }
    };
    let ctx = lane.ctx.clone();
    let outcome = panic::catch_unwind(AssertUnwindSafe(move || (*body)(&lane)));
    ctx.settle(|| "work posted from another thread".to_string(), outcome);
}
