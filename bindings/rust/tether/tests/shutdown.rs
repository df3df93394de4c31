//! Shutting a runtime down with calls in flight: every future resolves
//! once, to Closed (cancel, or drain past its timeout) or to its reply.

mod common;

use std::sync::Arc;
use std::time::Duration;

use tether::{Config, Key, ShutdownMode, Status};

const IN_FLIGHT: usize = 8;

#[test]
fn shutdown_closes_the_calls_in_flight_on_tokio() {
    let _guard = common::guard();
    let runtime = Arc::new(common::open_kvstore(&Config::new().lanes(2)));
    let shared = Arc::clone(&runtime);
    let outcomes = common::on_tokio(async move {
        let handled = common::handled(&shared);
        let tasks: Vec<_> = (0..IN_FLIGHT)
            .map(|_| {
                let runtime = Arc::clone(&shared);
                tokio::spawn(async move {
                    runtime
                        .call(
                            common::METHOD_SLOW,
                            Key::Any,
                            &common::slow_payload(common::FOREVER_NS),
                        )
                        .await
                })
            })
            .collect();
        let runtime = Arc::clone(&shared);
        tokio::task::spawn_blocking(move || {
            common::wait_until("every SLOW handler to start", || {
                common::handled(&runtime) >= handled + IN_FLIGHT as u64
            });
            runtime.shutdown().unwrap();
        })
        .await
        .unwrap();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        outcomes
    });
    assert_eq!(outcomes.len(), IN_FLIGHT);
    for outcome in outcomes {
        assert_eq!(outcome.unwrap_err().status(), Status::Closed);
    }
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_closed, IN_FLIGHT as u64, "{:?}", counts);
}

#[test]
fn shutdown_closes_the_calls_in_flight_on_futures() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().lanes(2));
    let handled = common::handled(&runtime);
    let calls: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            runtime.call(
                common::METHOD_SLOW,
                Key::Any,
                &common::slow_payload(common::FOREVER_NS),
            )
        })
        .collect();
    common::wait_until("every SLOW handler to start", || {
        common::handled(&runtime) >= handled + IN_FLIGHT as u64
    });
    runtime.shutdown().unwrap();
    for outcome in common::on_futures(futures::future::join_all(calls)) {
        assert_eq!(outcome.unwrap_err().status(), Status::Closed);
    }
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_closed, IN_FLIGHT as u64, "{:?}", counts);
}

#[test]
fn a_drain_lets_calls_in_flight_finish() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let call = runtime.call(
        common::METHOD_SLOW,
        Key::Any,
        &common::slow_payload(30_000_000),
    );
    runtime
        .shutdown_with(ShutdownMode::Drain, Duration::from_secs(10))
        .unwrap();
    assert!(call.wait().unwrap().is_empty());
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_ok, 1, "{:?}", counts);
}

#[test]
fn a_drain_past_its_timeout_closes_the_rest() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let call = runtime.call(
        common::METHOD_SLOW,
        Key::Any,
        &common::slow_payload(common::FOREVER_NS),
    );
    runtime
        .shutdown_with(ShutdownMode::Drain, Duration::from_millis(20))
        .unwrap();
    assert_eq!(call.wait().unwrap_err().status(), Status::Closed);
    runtime
        .shutdown_with(ShutdownMode::Cancel, Duration::ZERO)
        .unwrap(); // idempotent
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_closed, 1, "{:?}", counts);
}

#[test]
fn a_cancel_shutdown_closes_calls_at_once() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let call = runtime.call(
        common::METHOD_SLOW,
        Key::Any,
        &common::slow_payload(common::FOREVER_NS),
    );
    // The timeout is not used in cancel mode.
    runtime
        .shutdown_with(ShutdownMode::Cancel, Duration::from_secs(3600))
        .unwrap();
    assert_eq!(call.wait().unwrap_err().status(), Status::Closed);
    let error = runtime.stream().unwrap_err();
    assert_eq!(error.status(), Status::Closed, "{}", error);
}
