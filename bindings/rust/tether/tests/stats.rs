//! Stats, lane stats and the leak report.

mod common;

use tether::{Config, Key, Status};

#[test]
fn stats_count_calls_by_outcome() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().lanes(2));
    for _ in 0..10 {
        runtime
            .call_blocking(common::METHOD_STATS, Key::Any, &[])
            .unwrap();
    }
    runtime
        .call_blocking(common::METHOD_UNKNOWN, Key::Any, &[])
        .unwrap_err();
    let stats = runtime.stats().unwrap();
    assert_eq!(stats.lanes, 2);
    assert_eq!(stats.submitted, 11, "{:?}", stats);
    assert_eq!(stats.completed_ok, 10, "{:?}", stats);
    assert_eq!(stats.completed_library, 1, "{:?}", stats);
    assert_eq!(stats.completed(), 11, "{:?}", stats);
    assert_eq!(stats.in_flight, 0, "{:?}", stats);
    assert!(stats.latency_p50_ns > 0 && stats.latency_p50_ns <= stats.latency_p99_ns);
    runtime.shutdown().unwrap();
    assert_eq!(
        runtime.stats().unwrap().submitted,
        11,
        "works after shutdown"
    );
}

#[test]
fn lane_stats_count_what_each_lane_handled() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().lanes(3));
    for key in 0..30u64 {
        runtime
            .call_blocking(common::METHOD_STATS, Key::Of(key), &[])
            .unwrap();
    }
    let lanes: Vec<_> = (0..3)
        .map(|lane| runtime.lane_stats(lane).unwrap())
        .collect();
    for (index, lane) in lanes.iter().enumerate() {
        assert_eq!(lane.lane, index as u32);
    }
    assert_eq!(lanes.iter().map(|lane| lane.handled).sum::<u64>(), 30);
    let error = runtime.lane_stats(3).unwrap_err();
    assert_eq!(error.status(), Status::InvalidArg, "{}", error);
    common::assert_all_completed(&runtime);
}

#[test]
fn the_leak_report_is_empty_when_nothing_is_alive() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    runtime
        .call_blocking(common::METHOD_STATS, Key::Any, &[])
        .unwrap();
    let report = runtime.leak_report().unwrap();
    assert!(report.is_empty(), "{}", report);
    assert_eq!(report.text, "");
}

#[test]
fn the_leak_report_counts_a_held_result_and_a_call_in_flight() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let held = runtime
        .call_blocking(common::METHOD_STATS, Key::Any, &[])
        .unwrap();
    let report = runtime.leak_report().unwrap();
    assert_eq!(report.findings, 1, "{}", report);
    let slow = runtime.call(
        common::METHOD_SLOW,
        Key::Any,
        &common::slow_payload(common::FOREVER_NS),
    );
    let report = runtime.leak_report().unwrap();
    assert_eq!(report.findings, 2, "{}", report);
    assert!(report.text.contains("in flight"), "{}", report);
    drop(slow);
    drop(held);
    common::assert_all_completed(&runtime);
    assert!(runtime.leak_report().unwrap().is_empty());
}
