//! The host functions tether hands a library at lane start
//! (`tether_host_api`), copied out of the table, and [`Host`]: the ones any
//! thread may call.

use std::ffi::{c_void, CString};
use std::mem;
use std::os::raw::c_char;
use std::ptr::NonNull;

use tether_sys as sys;

use super::ResultBuffer;
use crate::{Error, Result, Status};

type ReplyFn = unsafe extern "C" fn(u64, *mut c_void, usize) -> sys::tether_status;
type ReplyErrorFn = unsafe extern "C" fn(u64, i32, *const c_char) -> sys::tether_status;
type BufAllocFn = unsafe extern "C" fn(usize) -> *mut c_void;
pub(crate) type BufFreeFn = unsafe extern "C" fn(*mut c_void) -> sys::tether_status;
type IsCancelledFn = unsafe extern "C" fn(u64) -> i32;
type PostFn = unsafe extern "C" fn(
    *mut sys::tether_lane,
    sys::tether_lane_fn,
    *mut c_void,
) -> sys::tether_status;
type TimerStartFn = unsafe extern "C" fn(
    *mut sys::tether_lane,
    u64,
    sys::tether_lane_fn,
    *mut c_void,
) -> sys::tether_status;
pub(crate) type LogFn = unsafe extern "C" fn(i32, *const c_char);
type GaugeRegisterFn =
    unsafe extern "C" fn(*mut sys::tether_lane, *const c_char, *mut u32) -> sys::tether_status;
type GaugeSetFn = unsafe extern "C" fn(*mut sys::tether_lane, u32, u64) -> sys::tether_status;
type HandleNewFn = unsafe extern "C" fn(
    *mut c_void,
    sys::tether_handle_destroy_fn,
    *const c_char,
    *mut u64,
) -> sys::tether_status;
type HandleGetFn = unsafe extern "C" fn(u64, *mut *mut c_void) -> sys::tether_status;
type HandleRefFn = unsafe extern "C" fn(u64) -> sys::tether_status;

/// Every function of `tether_host_api` version 1, checked present.
///
/// The pointers are copied at lane start: they point into libtether's code,
/// which stays loaded as long as the library it loaded (tether unloads a
/// library before it could itself go), so a copy may be called after the
/// table's own lifetime ("until lane_stop returns") is over. Whether a given
/// function may be called from a given thread is each caller's business:
/// the lane-only ones are reached only through `!Send` types.
#[derive(Clone, Copy)]
pub(crate) struct HostFns {
    pub(crate) reply: ReplyFn,
    pub(crate) reply_error: ReplyErrorFn,
    pub(crate) buf_alloc: BufAllocFn,
    pub(crate) buf_free: BufFreeFn,
    pub(crate) is_cancelled: IsCancelledFn,
    pub(crate) post: PostFn,
    pub(crate) timer_start: TimerStartFn,
    pub(crate) log: LogFn,
    pub(crate) gauge_register: GaugeRegisterFn,
    pub(crate) gauge_set: GaugeSetFn,
    pub(crate) handle_new: HandleNewFn,
    pub(crate) handle_get: HandleGetFn,
    pub(crate) handle_retain: HandleRefFn,
    pub(crate) handle_release: HandleRefFn,
}

impl HostFns {
    /// Copies the functions out of the table tether handed to lane_start.
    /// Fails (naming what is wrong) for a table older than version 1 or
    /// missing a function.
    ///
    /// # Safety
    ///
    /// `table` is NULL or points at a live `tether_host_api` whose
    /// `struct_size` bytes may be read.
    pub(crate) unsafe fn from_table(
        table: *const sys::tether_host_api,
    ) -> std::result::Result<HostFns, String> {
        if table.is_null() {
            return Err("tether handed lane_start a NULL host table".to_string());
        }
        let size = (*table).struct_size;
        let version = (*table).abi_version;
        if version < sys::TETHER_LIBRARY_ABI_VERSION
            || size < mem::size_of::<sys::tether_host_api>()
        {
            return Err(format!(
                "the host table is ABI version {} with {} bytes; this crate needs version {} \
                 ({} bytes)",
                version,
                size,
                sys::TETHER_LIBRARY_ABI_VERSION,
                mem::size_of::<sys::tether_host_api>()
            ));
        }
        // The table may be newer and longer: only its version-1 prefix is read.
        let api: sys::tether_host_api = *table;
        fn need<T>(function: Option<T>, name: &str) -> std::result::Result<T, String> {
            function.ok_or_else(|| format!("the host table has no {} function", name))
        }
        Ok(HostFns {
            reply: need(api.reply, "reply")?,
            reply_error: need(api.reply_error, "reply_error")?,
            buf_alloc: need(api.buf_alloc, "buf_alloc")?,
            buf_free: need(api.buf_free, "buf_free")?,
            is_cancelled: need(api.is_cancelled, "is_cancelled")?,
            post: need(api.post, "post")?,
            timer_start: need(api.timer_start, "timer_start")?,
            log: need(api.log, "log")?,
            gauge_register: need(api.gauge_register, "gauge_register")?,
            gauge_set: need(api.gauge_set, "gauge_set")?,
            handle_new: need(api.handle_new, "handle_new")?,
            handle_get: need(api.handle_get, "handle_get")?,
            handle_retain: need(api.handle_retain, "handle_retain")?,
            handle_release: need(api.handle_release, "handle_release")?,
        })
    }
}

/// A log line's level (`TETHER_LOG_*`); tether writes lines at or above the
/// host's threshold (WARN by default) to the host's log sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogLevel {
    /// `TETHER_LOG_DEBUG`.
    Debug,
    /// `TETHER_LOG_INFO`.
    Info,
    /// `TETHER_LOG_WARN`.
    Warn,
    /// `TETHER_LOG_ERROR`.
    Error,
}

impl LogLevel {
    fn code(self) -> i32 {
        match self {
            LogLevel::Debug => sys::TETHER_LOG_DEBUG,
            LogLevel::Info => sys::TETHER_LOG_INFO,
            LogLevel::Warn => sys::TETHER_LOG_WARN,
            LogLevel::Error => sys::TETHER_LOG_ERROR,
        }
    }
}

/// `text` as a C string; a NUL byte inside it is written as `\0`.
pub(crate) fn c_text(text: &str) -> CString {
    CString::new(text).unwrap_or_else(|_| {
        CString::new(text.replace('\0', "\\0")).expect("every NUL byte was replaced")
    })
}

/// The host functions any thread may call: log, result buffers and
/// handles. `Copy`, `Send` and `Sync`; get one from
/// [`Lane::host`](super::Lane::host) and hand it to the library's own
/// threads.
#[derive(Clone, Copy)]
pub struct Host {
    pub(crate) fns: HostFns,
}

// SAFETY: Host's methods call only the functions tether/library.h marks
// "Thread safety: any thread" (log, buf_alloc, buf_free, handle_*); the
// lane-only ones in the copy are reached only through the !Send Lane, Reply
// and Request.
unsafe impl Send for Host {}
// SAFETY: as for Send; Host holds nothing but function pointers.
unsafe impl Sync for Host {}

impl Host {
    /// Writes a line to the host's log sink. On a lane tether prefixes it
    /// with the library's name and the lane ("library 'NAME' on lane N:
    /// ..."); on another thread with "library, off tether's lanes: ".
    pub fn log(&self, level: LogLevel, message: &str) {
        let text = c_text(message);
        // SAFETY: any thread; the message is a NUL-terminated string that
        // outlives the call (tether copies what it keeps).
        unsafe { (self.fns.log)(level.code(), text.as_ptr()) };
    }

    /// A new result buffer of `len` zeroed bytes, from tether's allocator
    /// (`buf_alloc`). Fails with [`Status::TooLarge`] over
    /// `TETHER_BUF_MAX_SIZE` and [`Status::NoMemory`] when memory ran out.
    pub fn alloc(&self, len: usize) -> Result<ResultBuffer> {
        let buffer = self.alloc_uninit(len)?;
        // SAFETY: the buffer has room for len bytes and nothing reads them
        // before they are written here.
        unsafe { std::ptr::write_bytes(buffer.ptr.as_ptr(), 0, len) };
        Ok(buffer)
    }

    /// A new result buffer holding a copy of `bytes`.
    pub fn copy(&self, bytes: &[u8]) -> Result<ResultBuffer> {
        let buffer = self.alloc_uninit(bytes.len())?;
        // SAFETY: the buffer has room for bytes.len() bytes and does not
        // overlap them.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), buffer.ptr.as_ptr(), bytes.len()) };
        Ok(buffer)
    }

    /// A buffer whose bytes are not yet initialized: every caller writes
    /// all of them before anything reads them.
    fn alloc_uninit(&self, len: usize) -> Result<ResultBuffer> {
        if len > sys::TETHER_BUF_MAX_SIZE {
            return Err(Error::new(
                Status::TooLarge,
                format!(
                    "a result of {} bytes is over TETHER_BUF_MAX_SIZE ({})",
                    len,
                    sys::TETHER_BUF_MAX_SIZE
                ),
            ));
        }
        // SAFETY: any thread; the buffer is ours until moved or freed.
        let data = unsafe { (self.fns.buf_alloc)(len) } as *mut u8;
        match NonNull::new(data) {
            Some(ptr) => Ok(ResultBuffer {
                ptr,
                len,
                free: self.fns.buf_free,
            }),
            None => Err(Error::new(
                Status::NoMemory,
                format!("tether's buf_alloc({}) failed", len),
            )),
        }
    }
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host").finish_non_exhaustive()
    }
}
