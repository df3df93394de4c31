//! What a caught panic says, and how its payload is let go of without a
//! second unwind: nothing may unwind out of an `extern "C"` entry.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

/// The panic's message: the `&str` or `String` it was raised with.
pub(crate) fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic payload that is not a string".to_string()
    }
}

/// Drops a caught payload. A payload whose own `Drop` panics is leaked
/// instead of unwinding further.
pub(crate) fn discard(payload: Box<dyn Any + Send>) {
    if let Err(second) = panic::catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(second);
    }
}
