//! Result buffers: bytes from tether's allocator, reached through the host
//! table, that a reply moves into tether.

use std::ffi::c_void;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

use super::host::BufFreeFn;

/// A buffer from tether's allocator (the host table's `buf_alloc`), to be
/// moved into a reply with [`Reply::ok_buffer`](super::Reply::ok_buffer):
/// the way to build a large result in place without a second copy.
///
/// Made by [`Host::alloc`](super::Host::alloc) (zeroed) or
/// [`Host::copy`](super::Host::copy). Derefs to `[u8]`. Dropped without a
/// reply, it is freed through the host table's `buf_free`. It is `Send`: a
/// library's own thread may fill one and post it back to the lane.
pub struct ResultBuffer {
    pub(crate) ptr: NonNull<u8>,
    pub(crate) len: usize,
    pub(crate) free: BufFreeFn,
}

// SAFETY: the buffer owns its bytes exclusively, and buf_free is "Thread
// safety: any thread" (tether/library.h).
unsafe impl Send for ResultBuffer {}
// SAFETY: shared access only reads the bytes.
unsafe impl Sync for ResultBuffer {}

impl ResultBuffer {
    /// Gives the buffer up, to be moved into tether by a reply.
    pub(crate) fn into_raw(self) -> (*mut u8, usize) {
        let raw = (self.ptr.as_ptr(), self.len);
        std::mem::forget(self);
        raw
    }
}

impl Deref for ResultBuffer {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        // SAFETY: ptr is a live tether buffer of len initialized bytes (the
        // constructors write every byte) that this value owns.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl DerefMut for ResultBuffer {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in deref; &mut self makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl AsRef<[u8]> for ResultBuffer {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl Drop for ResultBuffer {
    fn drop(&mut self) {
        // SAFETY: we own the buffer and free it once; any thread. The status
        // only reports misuse tether has already logged.
        let _ = unsafe { (self.free)(self.ptr.as_ptr() as *mut c_void) };
    }
}

impl fmt::Debug for ResultBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResultBuffer")
            .field("len", &self.len)
            .finish()
    }
}
