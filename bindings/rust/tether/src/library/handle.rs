//! Generational handles (tether/handle.h) over Rust values: the way a
//! library hands an object (a cursor, a session) to hosts as a `u64`.
//!
//! tether's handle table gives back whatever pointer the handle was made
//! with, whichever library made it. To hand out only `&T` for a pointer
//! that really is a `T` made here, this module remembers every object it
//! handed to tether, with its type, until its destroy function runs; a
//! handle naming anything else (another library's object, another type) is
//! refused, never read.

use std::any::TypeId;
use std::collections::HashMap;
use std::ffi::c_void;
use std::marker::PhantomData;
use std::ops::Deref;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::Mutex;

use tether_sys as sys;

use super::host::{c_text, HostFns, LogFn};
use super::{panic as panics, Host};
use crate::{Error, Result, Status};

/// The objects this library has live in tether's handle table, by address,
/// split by address so callers on different objects rarely meet.
const SHARDS: usize = 16;
type Shard = Mutex<Option<HashMap<usize, TypeId>>>;
#[allow(clippy::declare_interior_mutable_const)] // only ever copied into LIVE
const EMPTY_SHARD: Shard = Mutex::new(None);
static LIVE: [Shard; SHARDS] = [EMPTY_SHARD; SHARDS];

fn shard(address: usize) -> std::sync::MutexGuard<'static, Option<HashMap<usize, TypeId>>> {
    LIVE[(address >> 4) % SHARDS]
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn remember(address: usize, type_id: TypeId) {
    shard(address)
        .get_or_insert_with(HashMap::new)
        .insert(address, type_id);
}

fn forget(address: usize) {
    if let Some(live) = shard(address).as_mut() {
        live.remove(&address);
    }
}

fn is_live(address: usize, type_id: TypeId) -> bool {
    shard(address)
        .as_ref()
        .and_then(|live| live.get(&address))
        .map_or(false, |found| *found == type_id)
}

/// What a handle's pointer points at.
struct HandleBox<T> {
    log: LogFn,
    value: T,
}

/// Runs when the handle's last reference goes, on the releasing thread:
/// any thread, perhaps after the runtime is gone.
extern "C" fn destroy<T: Send + Sync + 'static>(object: *mut c_void) {
    if object.is_null() {
        return;
    }
    forget(object as usize);
    // SAFETY: object came from Box::into_raw in Host::new_handle, and
    // tether runs destroy once, after the last reference.
    let boxed = unsafe { Box::from_raw(object as *mut HandleBox<T>) };
    let log = boxed.log;
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(move || drop(boxed))) {
        let text = c_text(&format!(
            "dropping a {} whose handle was released panicked: {}",
            std::any::type_name::<T>(),
            panics::message(&*payload)
        ));
        panics::discard(payload);
        // SAFETY: log is any thread; the text outlives the call.
        unsafe { log(sys::TETHER_LOG_ERROR, text.as_ptr()) };
    }
}

impl Host {
    /// Hands `value` to tether's handle table (`handle_new`) and returns
    /// the handle, holding one reference. `type_name` names the kind of
    /// object in leak reports. When the last reference is released (by
    /// the host or [`release_handle`](Host::release_handle)), `value` is
    /// dropped on the releasing thread, hence `Send + Sync`.
    pub fn new_handle<T: Send + Sync + 'static>(&self, value: T, type_name: &str) -> Result<u64> {
        let object = Box::into_raw(Box::new(HandleBox {
            log: self.fns.log,
            value,
        }));
        let address = object as usize;
        remember(address, TypeId::of::<T>());
        let text = c_text(type_name);
        let mut handle = 0u64;
        // SAFETY: any thread; the object stays valid until destroy::<T>
        // frees it; the type name is copied.
        let status = unsafe {
            (self.fns.handle_new)(
                object as *mut c_void,
                Some(destroy::<T>),
                text.as_ptr(),
                &mut handle,
            )
        };
        if status != sys::TETHER_OK {
            forget(address);
            // SAFETY: no handle was made: the object is still only ours.
            drop(unsafe { Box::from_raw(object) });
        }
        Error::check(status, || format!("handle_new for a {}", type_name))?;
        Ok(handle)
    }

    /// Looks `handle` up and takes a reference (`handle_get`): the value
    /// cannot be dropped while the returned [`HandleRef`] lives. Fails with
    /// [`Status::StaleTicket`] for a released or unknown handle and
    /// [`Status::InvalidArg`] for a handle this library did not make with
    /// a `T`.
    pub fn get_handle<T: Send + Sync + 'static>(&self, handle: u64) -> Result<HandleRef<T>> {
        let mut object: *mut c_void = std::ptr::null_mut();
        // SAFETY: any thread; object is a live local.
        let status = unsafe { (self.fns.handle_get)(handle, &mut object) };
        Error::check(status, || format!("handle_get({:#x})", handle))?;
        // The reference just taken keeps a live object from being destroyed,
        // so it cannot leave the registry while this looks.
        match NonNull::new(object as *mut HandleBox<T>) {
            Some(object) if is_live(object.as_ptr() as usize, TypeId::of::<T>()) => Ok(HandleRef {
                handle,
                object,
                fns: self.fns,
                _value: PhantomData,
            }),
            _ => {
                // SAFETY: any thread; lets go of the reference just taken.
                let _ = unsafe { (self.fns.handle_release)(handle) };
                Err(Error::new(
                    Status::InvalidArg,
                    format!(
                        "handle {:#x} does not name a {} this library made",
                        handle,
                        std::any::type_name::<T>()
                    ),
                ))
            }
        }
    }

    /// Adds a reference to `handle` (`handle_retain`).
    pub fn retain_handle(&self, handle: u64) -> Result<()> {
        // SAFETY: any thread.
        let status = unsafe { (self.fns.handle_retain)(handle) };
        Error::check(status, || format!("handle_retain({:#x})", handle))
    }

    /// Drops a reference to `handle` (`handle_release`); the last one drops
    /// the value, on this thread.
    pub fn release_handle(&self, handle: u64) -> Result<()> {
        // SAFETY: any thread.
        let status = unsafe { (self.fns.handle_release)(handle) };
        Error::check(status, || format!("handle_release({:#x})", handle))
    }
}

/// A reference to a handle's value ([`Host::get_handle`]), released when
/// dropped. Derefs to the value.
pub struct HandleRef<T: Send + Sync + 'static> {
    handle: u64,
    object: NonNull<HandleBox<T>>,
    fns: HostFns,
    _value: PhantomData<T>,
}

// SAFETY: the value is Send + Sync, and releasing the reference
// (handle_release) is "any thread".
unsafe impl<T: Send + Sync + 'static> Send for HandleRef<T> {}
// SAFETY: shared access only hands out &T, and T is Sync.
unsafe impl<T: Send + Sync + 'static> Sync for HandleRef<T> {}

impl<T: Send + Sync + 'static> HandleRef<T> {
    /// The handle.
    pub fn handle(&self) -> u64 {
        self.handle
    }
}

impl<T: Send + Sync + 'static> Deref for HandleRef<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the object is a live HandleBox<T> (checked in get_handle)
        // and the reference this value holds keeps it from being dropped.
        unsafe { &self.object.as_ref().value }
    }
}

impl<T: Send + Sync + 'static> Drop for HandleRef<T> {
    fn drop(&mut self) {
        // SAFETY: any thread; lets go of the reference handle_get took.
        let _ = unsafe { (self.fns.handle_release)(self.handle) };
    }
}

impl<T: Send + Sync + 'static> std::fmt::Debug for HandleRef<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandleRef")
            .field("handle", &self.handle)
            .field("type", &std::any::type_name::<T>())
            .finish()
    }
}
