//! A key/value store on SQLite with per-thread state, the kind of library
//! whose state breaks when a host calls it from ever-new threads.
//!
//! - [`Store`] opens a database file (WAL journal, a busy timeout) and makes
//!   [`Conn`]ections: one per thread that serves requests. Its
//!   [`checkpoint`]er thread copies the WAL back into the database, so no
//!   request does.
//! - [`session`] keeps a `thread_local!` session per thread that runs an
//!   operation, and counts (process-wide) and logs each one built.
//! - [`wire`] is the request/result format; [`handle`] runs one request.
//!
//! Two front ends serve it: `store-shim` (plain blocking C functions: a
//! connection and a session per OS thread that calls) and `store-tether`
//! (tether's lanes: a connection and a session per lane).
//!
//! ```
//! use std::time::Duration;
//! let dir = std::env::temp_dir().join(format!("store-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let store = store::Store::open(dir.join("db.sqlite"), Duration::from_secs(1)).unwrap();
//! let mut conn = store.connect().unwrap();
//! let (method, payload) = store::wire::Request::Put { key: b"k", value: b"v" }.encode();
//! store::handle(&mut conn, method, &payload, &|_| {}).unwrap();
//! let (method, payload) = store::wire::Request::Get { key: b"k" }.encode();
//! assert_eq!(store::handle(&mut conn, method, &payload, &|_| {}).unwrap(), b"v");
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

pub mod checkpoint;
mod db;
mod service;
pub mod session;
pub mod wire;

pub use db::{busy_answers, Conn, Store};
pub use service::handle;
pub use wire::{Code, Failure};
