//! Helpers shared by the tests: the kvstore library's path and wire format,
//! one-test-at-a-time locking, the leaked-buffer check, executors to run
//! async tests on, and a library linked into the test program (`gate`).
#![allow(dead_code)]

pub mod gate;

use std::future::Future;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tether::{Config, Runtime};

/// kvstore's methods and entry symbol (examples/kvstore/kvstore.h).
pub const SYMBOL: &str = "tether_kvstore_library";
pub const METHOD_PUT: u32 = 1;
pub const METHOD_GET: u32 = 2;
pub const METHOD_SLOW: u32 = 4;
pub const METHOD_STATS: u32 = 5;
pub const STATS_SIZE: usize = 32;
pub const ERR_NOT_FOUND: i32 = 1;
pub const ERR_UNKNOWN_METHOD: i32 = 3;
/// A method kvstore does not have.
pub const METHOD_UNKNOWN: u32 = 77;
/// Long enough never to end by itself during a test: such calls end by
/// cancel, deadline or shutdown.
pub const FOREVER_NS: u64 = 10_000_000_000;

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

/// SLOW's payload: the delay as a little-endian u64.
pub fn slow_payload(delay_ns: u64) -> Vec<u8> {
    delay_ns.to_le_bytes().to_vec()
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
/// process-wide) and checks, when dropped, that no tether buffer leaked and
/// none was freed twice.
pub struct Guard {
    live_before: u64,
    double_frees_before: u64,
    _lock: MutexGuard<'static, ()>,
}

pub fn double_frees() -> u64 {
    let mut count = 0u64;
    // SAFETY: a valid out-parameter and a known problem kind; any thread.
    let status = unsafe {
        tether_sys::tether_buf_problems(tether_sys::TETHER_BUF_PROBLEM_DOUBLE_FREE, &mut count)
    };
    assert_eq!(status, tether_sys::TETHER_OK);
    count
}

pub fn guard() -> Guard {
    let lock = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Guard {
        live_before: tether::buffers_live().0,
        double_frees_before: double_frees(),
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
        assert_eq!(
            double_frees(),
            self.double_frees_before,
            "a tether buffer was freed twice"
        );
    }
}

/// Runs `future` as a task on a 2-worker tokio runtime (so it and the
/// wake-ups it gets run on worker threads, not the test's).
pub fn on_tokio<F>(future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("building a tokio runtime");
    let task = runtime.spawn(future);
    runtime.block_on(task).expect("the test task panicked")
}

/// Runs `future` on the futures crate's executor, on this thread.
pub fn on_futures<F: Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}

/// Waits (up to 10 s, then panics) until `done` holds: for a state tether
/// reaches on another thread, such as a handler having started.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still waiting for {} after 10 s",
            what
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Requests the runtime's lanes have started handling.
pub fn handled(runtime: &Runtime) -> u64 {
    (0..runtime.lanes())
        .map(|lane| runtime.lane_stats(lane).unwrap().handled)
        .sum()
}

/// Shuts `runtime` down (so every call has completed) and checks that
/// every call accepted completed exactly once and none is in flight.
pub fn assert_all_completed(runtime: &Runtime) -> tether::Stats {
    runtime.shutdown_drain(Duration::from_secs(10)).unwrap();
    let stats = runtime.stats().unwrap();
    assert_eq!(stats.in_flight, 0, "{:?}", stats);
    assert_eq!(stats.completed(), stats.submitted, "{:?}", stats);
    stats
}
