//! Cancellation: dropping a Call before it runs and while it runs, the
//! explicit cancel, and the waker's exactly-once wake-up.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use common::gate;
use tether::{Config, Key, Runtime, Status};

fn open_gate(lanes: u32) -> Runtime {
    // SAFETY: the gate library keeps library.h's contract.
    unsafe { Runtime::open(gate::library(), &Config::new().lanes(lanes)) }.unwrap()
}

/// A waker that counts its wake-ups and lets a thread wait for one.
#[derive(Default)]
struct Counter {
    wakes: Mutex<u64>,
    woken: Condvar,
}

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        *self.wakes.lock().unwrap() += 1;
        self.woken.notify_all();
    }
}

impl Counter {
    fn wakes(&self) -> u64 {
        *self.wakes.lock().unwrap()
    }

    fn wait_for_wake(&self) {
        let mut wakes = self.wakes.lock().unwrap();
        while *wakes == 0 {
            wakes = self
                .woken
                .wait_timeout(wakes, Duration::from_secs(10))
                .unwrap()
                .0;
        }
    }
}

fn poll_once<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

#[test]
fn dropping_a_call_queued_behind_a_busy_lane_cancels_it_before_it_runs() {
    let _guard = common::guard();
    let runtime = open_gate(1);
    gate::close();
    let holding = gate::holding();
    let hold = runtime.call(gate::METHOD_HOLD, Key::Any, &[]);
    common::wait_until("the HOLD call to start", || gate::holding() > holding);
    let echoed = gate::echoed();
    let queued = runtime.call(gate::METHOD_ECHO, Key::Any, b"never echoed");
    assert!(queued.ticket().is_some());
    drop(queued);
    gate::open();
    assert!(hold.wait().unwrap().is_empty());
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_cancelled, 1, "{:?}", counts);
    assert_eq!(counts.completed_ok, 1, "{:?}", counts);
    // tether never ran the cancelled call's handler, or its reply was the
    // late one; either way the call ended once, cancelled.
    assert!(
        gate::echoed() - echoed <= counts.late_replies,
        "{:?}",
        counts
    );
}

async fn dropping_a_running_call_cancels_it() {
    let runtime = common::open_kvstore(&Config::new());
    let handled = common::handled(&runtime);
    let mut call = runtime.call(
        common::METHOD_SLOW,
        Key::Any,
        &common::slow_payload(common::FOREVER_NS),
    );
    assert!(futures::poll!(&mut call).is_pending());
    common::wait_until("the SLOW handler to start", || {
        common::handled(&runtime) > handled
    });
    drop(call);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_cancelled, 1, "{:?}", counts);
}

#[test]
fn dropping_a_running_call_cancels_it_on_futures() {
    let _guard = common::guard();
    common::on_futures(dropping_a_running_call_cancels_it());
}

#[test]
fn dropping_a_running_call_cancels_it_on_tokio() {
    let _guard = common::guard();
    common::on_tokio(dropping_a_running_call_cancels_it());
}

#[test]
fn a_tokio_timeout_drops_and_cancels_the_call() {
    let _guard = common::guard();
    let runtime = Arc::new(common::open_kvstore(&Config::new()));
    let shared = Arc::clone(&runtime);
    let elapsed = common::on_tokio(async move {
        let call = shared.call(
            common::METHOD_SLOW,
            Key::Any,
            &common::slow_payload(common::FOREVER_NS),
        );
        tokio::time::timeout(Duration::from_millis(20), call).await
    });
    assert!(elapsed.is_err(), "the SLOW call cannot finish in time");
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_cancelled, 1, "{:?}", counts);
}

#[test]
fn calls_dropped_unpolled_each_complete_once() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().lanes(2));
    for _ in 0..1000 {
        drop(runtime.call(common::METHOD_STATS, Key::Any, &[]));
    }
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.submitted, 1000, "{:?}", counts);
    // Each either ran first or was cancelled first; both end it once, and
    // the guard sees every result freed.
    assert_eq!(
        counts.completed_ok + counts.completed_cancelled,
        1000,
        "{:?}",
        counts
    );
}

async fn an_explicit_cancel_resolves_to_cancelled() {
    let runtime = common::open_kvstore(&Config::new());
    let call = runtime.call(
        common::METHOD_SLOW,
        Key::Any,
        &common::slow_payload(common::FOREVER_NS),
    );
    call.cancel().unwrap();
    let again = call.cancel().unwrap_err();
    assert!(
        again.status() == Status::AlreadyCompleted || again.status() == Status::StaleTicket,
        "{}",
        again
    );
    let error = call.await.unwrap_err();
    assert_eq!(error.status(), Status::Cancelled, "{}", error);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_cancelled, 1, "{:?}", counts);
}

#[test]
fn an_explicit_cancel_resolves_to_cancelled_on_tokio() {
    let _guard = common::guard();
    common::on_tokio(an_explicit_cancel_resolves_to_cancelled());
}

#[test]
fn an_explicit_cancel_resolves_to_cancelled_on_futures() {
    let _guard = common::guard();
    common::on_futures(an_explicit_cancel_resolves_to_cancelled());
}

#[test]
fn the_waker_is_woken_exactly_once() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let counter = Arc::new(Counter::default());
    let waker = Waker::from(Arc::clone(&counter));
    let mut call = runtime.call_with(
        common::METHOD_SLOW,
        Key::Any,
        &common::slow_payload(20_000_000),
        tether::CallOptions::new(),
    );
    assert!(poll_once(&mut call, &waker).is_pending());
    // A second poll with the same waker registers nothing new.
    assert!(poll_once(&mut call, &waker).is_pending());
    counter.wait_for_wake();
    match poll_once(&mut call, &waker) {
        Poll::Ready(result) => assert!(result.unwrap().is_empty()),
        Poll::Pending => panic!("woken but not ready"),
    }
    drop(call);
    common::assert_all_completed(&runtime);
    // Shutdown ran every completion left: still exactly one wake-up.
    assert_eq!(counter.wakes(), 1);
}

#[test]
fn the_latest_waker_is_the_one_woken() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let first = Arc::new(Counter::default());
    let second = Arc::new(Counter::default());
    let mut call = runtime.call(
        common::METHOD_SLOW,
        Key::Any,
        &common::slow_payload(20_000_000),
    );
    assert!(poll_once(&mut call, &Waker::from(Arc::clone(&first))).is_pending());
    let waker = Waker::from(Arc::clone(&second));
    assert!(poll_once(&mut call, &waker).is_pending());
    second.wait_for_wake();
    assert!(poll_once(&mut call, &waker).is_ready());
    drop(call);
    common::assert_all_completed(&runtime);
    assert_eq!((first.wakes(), second.wakes()), (0, 1));
}

/// A waker whose wake panics, on tether's thread.
struct Panicking(AtomicU64);

impl Wake for Panicking {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
        panic!("a waker that panics");
    }
}

#[test]
fn a_panicking_waker_does_not_unwind_into_tether() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let panicking = Arc::new(Panicking(AtomicU64::new(0)));
    let waker = Waker::from(Arc::clone(&panicking));
    let mut call = runtime.call(
        common::METHOD_SLOW,
        Key::Any,
        &common::slow_payload(1_000_000),
    );
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    assert!(poll_once(&mut call, &waker).is_pending());
    common::wait_until("the panicking wake-up", || {
        panicking.0.load(Ordering::SeqCst) == 1
    });
    // The outcome was stored before the waker ran; the process is alive.
    match poll_once(&mut call, &waker) {
        Poll::Ready(result) => assert!(result.unwrap().is_empty()),
        Poll::Pending => panic!("the outcome was lost"),
    }
    drop(call);
    // The lane that ran the callback survived: it still serves calls (and
    // once this returns, the panic is over).
    assert_eq!(
        runtime
            .call_blocking(common::METHOD_STATS, Key::Any, &[])
            .unwrap()
            .len(),
        common::STATS_SIZE
    );
    std::panic::set_hook(hook);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.callback_exceptions, 0, "{:?}", counts);
}
