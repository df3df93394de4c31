//! Helpers shared by the tests: the kvstore library's path and wire format,
//! one-test-at-a-time locking and the leaked-buffer check.
#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard};

use tether::{Config, Runtime};

/// kvstore's methods and entry symbol (examples/kvstore/kvstore.h).
pub const SYMBOL: &str = "tether_kvstore_library";
pub const METHOD_PUT: u32 = 1;
pub const METHOD_GET: u32 = 2;
pub const METHOD_STATS: u32 = 5;
pub const STATS_SIZE: usize = 32;
pub const ERR_NOT_FOUND: i32 = 1;

pub fn kvstore_path() -> String {
    std::env::var("TETHER_KVSTORE_LIBRARY").unwrap_or_else(|_| {
        panic!(
            "TETHER_KVSTORE_LIBRARY is not set: point it at the kvstore example library \
             (build/release/examples/kvstore/libkvstore.so), or run bindings/rust/ci.sh"
        )
    })
}

pub fn open_kvstore(config: &Config) -> Runtime {
    let path = kvstore_path();
    Runtime::open_path(&path, SYMBOL, config)
        .unwrap_or_else(|error| panic!("opening {}: {}", path, error))
}

/// A kvstore string: a little-endian u32 byte count, then the bytes.
pub fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

pub fn put_payload(key: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    put_string(&mut out, key);
    put_string(&mut out, value);
    out
}

pub fn get_payload(key: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    put_string(&mut out, key);
    out
}

/// The kv key's affinity key: FNV-1a 64 with the top bit cleared.
pub fn affinity(key: &[u8]) -> tether::Key {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    tether::Key::Of(hash & 0x7fff_ffff_ffff_ffff)
}

static SERIAL: Mutex<()> = Mutex::new(());

/// Runs tests of one binary one at a time (the live-buffer count is
/// process-wide) and checks, when dropped, that no tether buffer leaked.
pub struct Guard {
    live_before: u64,
    _lock: MutexGuard<'static, ()>,
}

pub fn guard() -> Guard {
    let lock = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Guard {
        live_before: tether::buffers_live().0,
        _lock: lock,
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let (count, bytes) = tether::buffers_live();
        assert_eq!(
            count, self.live_before,
            "tether buffers leaked: {} live before the test, {} ({} bytes) after",
            self.live_before, count, bytes
        );
    }
}
