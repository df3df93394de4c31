use std::ffi::c_void;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::ptr;

use tether_sys as sys;

use crate::{Error, Result, Status};

/// An owned tether buffer: bytes tether allocated (a call's result, or
/// [`Buffer::copy_from_slice`]), freed with `tether_buf_free` when dropped.
///
/// It derefs to `[u8]`. tether's allocator serves the whole process, so a
/// buffer may outlive the [`Runtime`](crate::Runtime) that produced it, and
/// may be dropped on any thread.
pub struct Buffer {
    // NULL only when len is 0 (an empty result carries no buffer).
    ptr: *mut u8,
    len: usize,
}

// SAFETY: a Buffer owns its bytes exclusively, and tether_buf_free is
// documented "Thread safety: any thread" (tether/buffer.h).
unsafe impl Send for Buffer {}
// SAFETY: shared access only reads the bytes.
unsafe impl Sync for Buffer {}

impl Buffer {
    /// An empty buffer, holding no tether allocation.
    pub fn empty() -> Buffer {
        Buffer {
            ptr: ptr::null_mut(),
            len: 0,
        }
    }

    /// A new tether buffer (`tether_buf_alloc`) holding a copy of `bytes`.
    ///
    /// Fails with [`Status::TooLarge`] over `TETHER_BUF_MAX_SIZE` and with
    /// [`Status::NoMemory`] when the allocation fails.
    pub fn copy_from_slice(bytes: &[u8]) -> Result<Buffer> {
        if bytes.len() > sys::TETHER_BUF_MAX_SIZE {
            return Err(Error::new(
                Status::TooLarge,
                format!(
                    "{} bytes is over TETHER_BUF_MAX_SIZE ({})",
                    bytes.len(),
                    sys::TETHER_BUF_MAX_SIZE
                ),
            ));
        }
        // SAFETY: any thread; the result is ours to free.
        let data = unsafe { sys::tether_buf_alloc(bytes.len()) } as *mut u8;
        if data.is_null() {
            return Err(Error::new(
                Status::NoMemory,
                format!("tether_buf_alloc({}) failed", bytes.len()),
            ));
        }
        // SAFETY: data has room for bytes.len() bytes and does not overlap.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len()) };
        Ok(Buffer {
            ptr: data,
            len: bytes.len(),
        })
    }

    /// Takes ownership of a tether buffer.
    ///
    /// # Safety
    ///
    /// `ptr` must be NULL with `len` 0, or a live buffer from
    /// `tether_buf_alloc` (or handed out by tether, such as a completion's
    /// result) of at least `len` bytes that nothing else will free.
    pub unsafe fn from_raw(ptr: *mut u8, len: usize) -> Buffer {
        debug_assert!(!ptr.is_null() || len == 0);
        Buffer { ptr, len }
    }

    /// Gives up ownership: the caller must free the pointer (NULL for an
    /// empty buffer that held no allocation) with `tether_buf_free`, or move
    /// it into tether.
    pub fn into_raw(self) -> (*mut u8, usize) {
        let raw = (self.ptr, self.len);
        std::mem::forget(self);
        raw
    }

    /// The pointer (NULL for an empty buffer that holds no allocation) and
    /// length, still owned by this buffer.
    pub(crate) fn as_raw(&self) -> (*mut u8, usize) {
        (self.ptr, self.len)
    }

    /// Copies the bytes into a `Vec` and frees the tether buffer.
    pub fn into_vec(self) -> Vec<u8> {
        self.to_vec()
    }
}

impl Deref for Buffer {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        if self.ptr.is_null() {
            &[]
        } else {
            // SAFETY: ptr is a live tether buffer of at least len bytes that
            // this Buffer owns.
            unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
        }
    }
}

impl DerefMut for Buffer {
    fn deref_mut(&mut self) -> &mut [u8] {
        if self.ptr.is_null() {
            &mut []
        } else {
            // SAFETY: as in deref, and &mut self makes the access exclusive.
            unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
        }
    }
}

impl AsRef<[u8]> for Buffer {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: we own the buffer and free it exactly once. The status
            // can only report misuse (a corrupt buffer), which tether logs;
            // there is nobody to return it to here.
            let _ = unsafe { sys::tether_buf_free(self.ptr as *mut c_void) };
        }
    }
}

impl fmt::Debug for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Buffer").field("len", &self.len).finish()
    }
}

impl PartialEq for Buffer {
    fn eq(&self, other: &Buffer) -> bool {
        **self == **other
    }
}

impl Eq for Buffer {}
