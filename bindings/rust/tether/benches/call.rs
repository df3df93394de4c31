//! What a call through tether costs a Rust host, against its peers in the
//! same run: kvstore's STATS (a 32-byte reply built on the lane) through
//! `call().await` on tokio, against a direct call of a function doing the
//! same work (building the 32-byte reply in a tether buffer) and against
//! `tokio::task::spawn_blocking` of that function; then the blocking
//! call's two ways of waiting (the crate's callback + park/unpark, and a
//! completion queue opened per call).
//!
//!   cargo bench --bench call -- [ITERATIONS]      (bindings/rust/bench.sh)
//!
//! Needs TETHER_KVSTORE_LIBRARY, as the tests do. Prints calls/s and the
//! p50/p99 latency of each, and the ratios.

use std::ffi::c_void;
use std::mem::{self, MaybeUninit};
use std::ptr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tether::{Buffer, Config, Key, Runtime};
use tether_sys as sys;

const METHOD_STATS: u32 = 5;
const CONCURRENCY: usize = 64;

struct Run {
    name: &'static str,
    calls: usize,
    elapsed: Duration,
    /// Per-call latencies, sorted; empty for runs with calls in parallel.
    latencies: Vec<u64>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.calls as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, per_mille: usize) -> Option<u64> {
        if self.latencies.is_empty() {
            return None;
        }
        let index = (self.latencies.len() * per_mille / 1000).min(self.latencies.len() - 1);
        Some(self.latencies[index])
    }

    fn print(&self) {
        let show = |value: Option<u64>| value.map_or("-".to_string(), |ns| format!("{} ns", ns));
        println!(
            "{:<44} {:>12.0} calls/s   p50 {:>10}   p99 {:>10}",
            self.name,
            self.rate(),
            show(self.percentile(500)),
            show(self.percentile(990)),
        );
    }
}

/// Times `calls` sequential runs of `one`, recording each latency.
fn sequential(name: &'static str, calls: usize, mut one: impl FnMut()) -> Run {
    let mut latencies = Vec::with_capacity(calls);
    let start = Instant::now();
    for _ in 0..calls {
        let begin = Instant::now();
        one();
        latencies.push(begin.elapsed().as_nanos() as u64);
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    Run {
        name,
        calls,
        elapsed,
        latencies,
    }
}

/// Runs `a` and `b` alternately, 10 rounds of calls/10 each, and merges
/// each one's rounds.
fn alternating(
    (a_name, mut a): (&'static str, impl FnMut()),
    (b_name, mut b): (&'static str, impl FnMut()),
    calls: usize,
) -> (Run, Run) {
    const ROUNDS: usize = 10;
    let merge = |name, runs: Vec<Run>| {
        let mut latencies: Vec<u64> = runs.iter().flat_map(|run| run.latencies.clone()).collect();
        latencies.sort_unstable();
        Run {
            name,
            calls: runs.iter().map(|run| run.calls).sum(),
            elapsed: runs.iter().map(|run| run.elapsed).sum(),
            latencies,
        }
    };
    let (mut a_runs, mut b_runs) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        a_runs.push(sequential(a_name, calls / ROUNDS, &mut a));
        b_runs.push(sequential(b_name, calls / ROUNDS, &mut b));
    }
    (merge(a_name, a_runs), merge(b_name, b_runs))
}

/// As `sequential`, for an async body run as one tokio task.
async fn sequential_async<F, Fut>(name: &'static str, calls: usize, mut one: F) -> Run
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut latencies = Vec::with_capacity(calls);
    let start = Instant::now();
    for _ in 0..calls {
        let begin = Instant::now();
        one().await;
        latencies.push(begin.elapsed().as_nanos() as u64);
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    Run {
        name,
        calls,
        elapsed,
        latencies,
    }
}

/// The work kvstore's STATS does besides crossing threads: a 32-byte reply
/// written into a new tether buffer, which the caller then frees (an FFI
/// call the optimizer cannot remove).
fn same_work_direct(counter: &mut u64) -> Buffer {
    *counter += 1;
    let mut reply = [0u8; 32];
    reply[..8].copy_from_slice(&1u64.to_le_bytes());
    reply[16..24].copy_from_slice(&counter.to_le_bytes());
    Buffer::copy_from_slice(&reply).unwrap()
}

/// The blocking call as this crate first made it: a completion queue
/// opened per call, polled until the completion arrives, destroyed.
fn call_blocking_cq(runtime: *mut sys::tether_runtime) -> usize {
    // SAFETY (the whole function): the runtime is live for the bench; the
    // queue is used by this thread only and destroyed once; the completion
    // element is sized for the struct; its buffers are freed once.
    unsafe {
        let mut cq: *mut sys::tether_cq = ptr::null_mut();
        assert_eq!(sys::tether_cq_open(runtime, &mut cq), sys::TETHER_OK);
        let mut call = MaybeUninit::<sys::tether_call>::zeroed();
        sys::tether_call_init(call.as_mut_ptr());
        let mut call = call.assume_init();
        call.method = METHOD_STATS;
        assert_eq!(
            sys::tether_submit_cq(runtime, &call, cq, 0, ptr::null_mut()),
            sys::TETHER_OK
        );
        let mut completion = MaybeUninit::<sys::tether_completion>::zeroed();
        loop {
            let mut count = 0usize;
            let status = sys::tether_cq_poll(
                cq,
                completion.as_mut_ptr() as *mut c_void,
                mem::size_of::<sys::tether_completion>(),
                1,
                u64::MAX,
                &mut count,
            );
            assert_eq!(status, sys::TETHER_OK);
            if count == 1 {
                break;
            }
        }
        let completion = completion.assume_init();
        assert_eq!(completion.status, sys::TETHER_OK);
        sys::tether_cq_destroy(cq);
        let len = completion.result_len;
        sys::tether_buf_free(completion.result);
        len
    }
}

fn ratio(label: &str, a: &Run, b: &Run) {
    let p50 = match (a.percentile(500), b.percentile(500)) {
        (Some(x), Some(y)) if y > 0 => format!("{:.2}x", x as f64 / y as f64),
        _ => "-".to_string(),
    };
    println!(
        "  {:<58} throughput {:>7.2}x   p50 {:>8}",
        label,
        a.rate() / b.rate(),
        p50
    );
}

fn main() {
    let calls: usize = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .map(|arg| arg.parse().expect("ITERATIONS must be a number"))
        .unwrap_or(20_000);
    let path = std::env::var("TETHER_KVSTORE_LIBRARY")
        .expect("TETHER_KVSTORE_LIBRARY must name the kvstore example library");
    let runtime = Arc::new(
        Runtime::open_path(&path, "tether_kvstore_library", &Config::new().lanes(1))
            .expect("opening kvstore"),
    );
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    println!(
        "{} calls each; kvstore STATS on 1 lane; tokio with 2 workers",
        calls
    );

    // Warm up every path once.
    runtime.call_blocking(METHOD_STATS, Key::Any, &[]).unwrap();
    let mut counter = 0u64;
    drop(same_work_direct(&mut counter));

    let shared = Arc::clone(&runtime);
    let call_await = tokio
        .block_on(tokio.spawn(async move {
            sequential_async("tokio: call().await", calls, || {
                let call = shared.call(METHOD_STATS, Key::Any, &[]);
                async move {
                    assert_eq!(call.await.unwrap().len(), 32);
                }
            })
            .await
        }))
        .unwrap();
    let direct = tokio
        .block_on(tokio.spawn(async move {
            let mut counter = 0u64;
            sequential_async("tokio: direct call of the same work", calls, || {
                let reply = same_work_direct(&mut counter);
                async move {
                    assert_eq!(reply.len(), 32);
                }
            })
            .await
        }))
        .unwrap();
    let spawn_blocking = tokio
        .block_on(tokio.spawn(async move {
            sequential_async("tokio: spawn_blocking(same work).await", calls, || async {
                let reply = tokio::task::spawn_blocking(|| same_work_direct(&mut 0))
                    .await
                    .unwrap();
                assert_eq!(reply.len(), 32);
            })
            .await
        }))
        .unwrap();

    let shared = Arc::clone(&runtime);
    let start = Instant::now();
    tokio.block_on(async {
        let tasks: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let runtime = Arc::clone(&shared);
                tokio::spawn(async move {
                    for _ in 0..calls / CONCURRENCY {
                        assert_eq!(
                            runtime
                                .call(METHOD_STATS, Key::Any, &[])
                                .await
                                .unwrap()
                                .len(),
                            32
                        );
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    let call_parallel = Run {
        name: "tokio: call().await, 64 tasks",
        calls: calls / CONCURRENCY * CONCURRENCY,
        elapsed: start.elapsed(),
        latencies: Vec::new(),
    };
    let start = Instant::now();
    tokio.block_on(async {
        let tasks: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                tokio::spawn(async move {
                    for _ in 0..calls / CONCURRENCY {
                        let reply = tokio::task::spawn_blocking(|| same_work_direct(&mut 0))
                            .await
                            .unwrap();
                        assert_eq!(reply.len(), 32);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    let spawn_blocking_parallel = Run {
        name: "tokio: spawn_blocking(same work), 64 tasks",
        calls: calls / CONCURRENCY * CONCURRENCY,
        elapsed: start.elapsed(),
        latencies: Vec::new(),
    };

    let futures_await = sequential("futures::executor: block_on(call())", calls, || {
        let reply = futures::executor::block_on(runtime.call(METHOD_STATS, Key::Any, &[]));
        assert_eq!(reply.unwrap().len(), 32);
    });
    // The two ways of blocking alternate in rounds, so that neither gets
    // the quieter moment of a shared machine.
    let raw = runtime.as_raw();
    let (blocking_park, blocking_cq) = alternating(
        ("call_blocking: callback + park/unpark", || {
            let reply = runtime.call_blocking(METHOD_STATS, Key::Any, &[]);
            assert_eq!(reply.unwrap().len(), 32);
        }),
        ("call_blocking: a completion queue per call", || {
            assert_eq!(call_blocking_cq(raw), 32);
        }),
        calls,
    );

    println!();
    for run in [
        &call_await,
        &direct,
        &spawn_blocking,
        &call_parallel,
        &spawn_blocking_parallel,
        &futures_await,
        &blocking_park,
        &blocking_cq,
    ] {
        run.print();
    }
    println!();
    println!("ratios (first / second):");
    ratio("call().await / direct call", &call_await, &direct);
    ratio(
        "call().await / spawn_blocking().await",
        &call_await,
        &spawn_blocking,
    );
    ratio(
        "call().await / spawn_blocking().await, 64 tasks",
        &call_parallel,
        &spawn_blocking_parallel,
    );
    ratio(
        "call_blocking park / completion queue per call",
        &blocking_park,
        &blocking_cq,
    );

    drop(tokio);
    drop(shared);
    Arc::try_unwrap(runtime).unwrap().close().unwrap();
}
