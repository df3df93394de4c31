//! Keeping panics inside the `extern "C"` functions tether calls.

use std::mem;
use std::panic::{self, AssertUnwindSafe};

/// Runs `body`, catching a panic so that none unwinds into C. A caught
/// panic's payload is dropped under a second catch; a payload that panics
/// again as it drops is leaked rather than dropped, so nothing ever
/// escapes (and nothing aborts).
///
/// `body` must leave shared state consistent if it panics part way: the
/// callers' bodies take ownership of what tether handed them first, so an
/// unwind frees it.
pub(crate) fn no_unwind(body: impl FnOnce()) {
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(body)) {
        if let Err(again) = panic::catch_unwind(AssertUnwindSafe(move || drop(payload))) {
            mem::forget(again);
        }
    }
}
