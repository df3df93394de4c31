//! `Runtime::call` futures against the kvstore library, each scenario on a
//! tokio multi-thread runtime and on the futures crate's executor.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tether::{Buffer, CallOptions, Config, Key, Runtime, Status};

async fn stats_returns_its_32_bytes() {
    let runtime = common::open_kvstore(&Config::new().lanes(2));
    let stats = runtime
        .call(common::METHOD_STATS, Key::Any, &[])
        .await
        .unwrap();
    assert_eq!(stats.len(), common::STATS_SIZE);
    drop(stats);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_ok, 1, "{:?}", counts);
}

#[test]
fn stats_returns_its_32_bytes_on_tokio() {
    let _guard = common::guard();
    common::on_tokio(stats_returns_its_32_bytes());
}

#[test]
fn stats_returns_its_32_bytes_on_futures() {
    let _guard = common::guard();
    common::on_futures(stats_returns_its_32_bytes());
}

async fn an_unknown_method_is_a_library_error() {
    let runtime = common::open_kvstore(&Config::new());
    let error = runtime
        .call(common::METHOD_UNKNOWN, Key::Any, &[])
        .await
        .unwrap_err();
    assert_eq!(error.status(), Status::Library, "{}", error);
    assert_eq!(
        error.library_code(),
        common::ERR_UNKNOWN_METHOD,
        "{}",
        error
    );
    assert!(error.message().contains("77"), "{}", error);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_library, 1, "{:?}", counts);
}

#[test]
fn an_unknown_method_is_a_library_error_on_tokio() {
    let _guard = common::guard();
    common::on_tokio(an_unknown_method_is_a_library_error());
}

#[test]
fn an_unknown_method_is_a_library_error_on_futures() {
    let _guard = common::guard();
    common::on_futures(an_unknown_method_is_a_library_error());
}

const CALLS: usize = 400;

fn put_get(runtime: &Runtime, i: usize) -> impl std::future::Future<Output = ()> + '_ {
    let key = format!("key {}", i).into_bytes();
    let value = format!("value {}", i).into_bytes();
    async move {
        let put = runtime.call(
            common::METHOD_PUT,
            common::affinity(&key),
            &common::put_payload(&key, &value),
        );
        assert!(put.await.unwrap().is_empty());
        let got = runtime
            .call(
                common::METHOD_GET,
                common::affinity(&key),
                &common::get_payload(&key),
            )
            .await
            .unwrap();
        assert_eq!(&got[..], &value[..]);
    }
}

#[test]
fn many_tasks_share_one_runtime_on_tokio() {
    let _guard = common::guard();
    let runtime = Arc::new(common::open_kvstore(&Config::new().lanes(2)));
    let shared = Arc::clone(&runtime);
    common::on_tokio(async move {
        let tasks: Vec<_> = (0..CALLS)
            .map(|i| {
                let runtime = Arc::clone(&shared);
                tokio::spawn(async move { put_get(&runtime, i).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_ok, 2 * CALLS as u64, "{:?}", counts);
}

#[test]
fn many_calls_in_flight_on_futures() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().lanes(2));
    common::on_futures(futures::future::join_all(
        (0..CALLS).map(|i| put_get(&runtime, i)),
    ));
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_ok, 2 * CALLS as u64, "{:?}", counts);
}

async fn a_deadline_ends_a_slow_call() {
    let runtime = common::open_kvstore(&Config::new());
    let error = runtime
        .call_with(
            common::METHOD_SLOW,
            Key::Any,
            &common::slow_payload(common::FOREVER_NS),
            CallOptions::new().timeout(Duration::from_millis(20)),
        )
        .await
        .unwrap_err();
    assert_eq!(error.status(), Status::Deadline, "{}", error);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_deadline, 1, "{:?}", counts);
}

#[test]
fn a_deadline_ends_a_slow_call_on_tokio() {
    let _guard = common::guard();
    common::on_tokio(a_deadline_ends_a_slow_call());
}

#[test]
fn a_deadline_ends_a_slow_call_on_futures() {
    let _guard = common::guard();
    common::on_futures(a_deadline_ends_a_slow_call());
}

#[test]
fn a_deadline_already_past_ends_the_call() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let past = Instant::now();
    std::thread::sleep(Duration::from_millis(1));
    let error = runtime
        .call_blocking_with(
            common::METHOD_SLOW,
            Key::Any,
            &common::slow_payload(common::FOREVER_NS),
            CallOptions::new().deadline(past),
        )
        .unwrap_err();
    assert_eq!(error.status(), Status::Deadline, "{}", error);
    common::assert_all_completed(&runtime);
}

#[test]
fn a_deadline_the_library_meets_changes_nothing() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let stats = runtime
        .call_blocking_with(
            common::METHOD_STATS,
            Key::Any,
            &[],
            CallOptions::new().timeout(Duration::from_secs(60)),
        )
        .unwrap();
    assert_eq!(stats.len(), common::STATS_SIZE);
    drop(stats);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_ok, 1, "{:?}", counts);
}

async fn a_refused_submit_resolves_to_its_refusal() {
    let runtime = common::open_kvstore(&Config::new().max_payload_bytes(16));
    let call = runtime.call(common::METHOD_STATS, Key::Any, &[0u8; 64]);
    assert_eq!(call.ticket(), None);
    assert_eq!(call.cancel().unwrap_err().status(), Status::InvalidArg);
    let error = call.await.unwrap_err();
    assert_eq!(error.status(), Status::TooLarge, "{}", error);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.submitted, 0, "{:?}", counts);
}

#[test]
fn a_refused_submit_resolves_to_its_refusal_on_tokio() {
    let _guard = common::guard();
    common::on_tokio(a_refused_submit_resolves_to_its_refusal());
}

#[test]
fn a_refused_submit_resolves_to_its_refusal_on_futures() {
    let _guard = common::guard();
    common::on_futures(a_refused_submit_resolves_to_its_refusal());
}

async fn a_call_after_shutdown_is_closed() {
    let runtime = common::open_kvstore(&Config::new());
    runtime.shutdown().unwrap();
    let error = runtime
        .call(common::METHOD_STATS, Key::Any, &[])
        .await
        .unwrap_err();
    assert_eq!(error.status(), Status::Closed, "{}", error);
}

#[test]
fn a_call_after_shutdown_is_closed_on_tokio() {
    let _guard = common::guard();
    common::on_tokio(a_call_after_shutdown_is_closed());
}

#[test]
fn a_call_after_shutdown_is_closed_on_futures() {
    let _guard = common::guard();
    common::on_futures(a_call_after_shutdown_is_closed());
}

#[test]
fn a_moved_payload_is_not_copied_and_not_leaked() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let key = b"moved";
    let payload = Buffer::copy_from_slice(&common::put_payload(key, b"by move")).unwrap();
    let put = common::on_futures(runtime.call_moved(
        common::METHOD_PUT,
        common::affinity(key),
        payload,
        CallOptions::new(),
    ));
    assert!(put.unwrap().is_empty());
    let got = runtime
        .call_blocking(
            common::METHOD_GET,
            common::affinity(key),
            &common::get_payload(key),
        )
        .unwrap();
    assert_eq!(&got[..], b"by move");
    drop(got);
    common::assert_all_completed(&runtime);
}

#[test]
fn a_refused_moved_payload_is_freed() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().max_payload_bytes(8));
    let live = tether::buffers_live().0;
    let payload = Buffer::copy_from_slice(&[1u8; 32]).unwrap();
    let call = runtime.call_moved(common::METHOD_STATS, Key::Any, payload, CallOptions::new());
    assert_eq!(
        tether::buffers_live().0,
        live,
        "the refused payload is freed"
    );
    let error = call.wait().unwrap_err();
    assert_eq!(error.status(), Status::TooLarge, "{}", error);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.submitted, 0, "{:?}", counts);
}

#[test]
fn an_empty_moved_payload_is_an_empty_payload() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let stats = runtime
        .call_moved(
            common::METHOD_STATS,
            Key::Any,
            Buffer::empty(),
            CallOptions::new(),
        )
        .wait()
        .unwrap();
    assert_eq!(stats.len(), common::STATS_SIZE);
    drop(stats);
    common::assert_all_completed(&runtime);
}

#[test]
fn wait_blocks_for_any_call() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let call = runtime.call(common::METHOD_STATS, Key::Any, &[]);
    assert!(call.ticket().unwrap() != 0);
    assert_eq!(call.wait().unwrap().len(), common::STATS_SIZE);
    common::assert_all_completed(&runtime);
}

#[test]
fn completions_delivered_on_the_delivery_thread_wake_too() {
    let _guard = common::guard();
    let runtime = Arc::new(common::open_kvstore(
        &Config::new().lanes(2).deliver(tether::Deliver::OnThread),
    ));
    let shared = Arc::clone(&runtime);
    common::on_tokio(async move {
        let tasks: Vec<_> = (0..64)
            .map(|i| {
                let runtime = Arc::clone(&shared);
                tokio::spawn(async move { put_get(&runtime, i).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_ok, 128, "{:?}", counts);
}
