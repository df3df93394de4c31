//! The library side (`tether::library`), through the Rust test library
//! (tether-testlib, its path in TETHER_RUST_TESTLIB) served by the host
//! side of this crate: replies, panics, lanes, handles, cancellation.

mod cancel;
mod handles;
mod lanes;
mod replies;
mod support;
