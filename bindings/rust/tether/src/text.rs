//! Text that tether hands out in tether buffers.

use std::ffi::{c_void, CStr};
use std::os::raw::c_char;

use tether_sys as sys;

/// Takes a NUL-terminated tether buffer's text and frees the buffer.
///
/// # Safety
///
/// `text` is NULL or a live NUL-terminated tether buffer nothing else frees.
pub(crate) unsafe fn take_text(text: *mut c_char) -> String {
    if text.is_null() {
        return String::new();
    }
    let owned = CStr::from_ptr(text).to_string_lossy().into_owned();
    let _ = sys::tether_buf_free(text as *mut c_void);
    owned
}
