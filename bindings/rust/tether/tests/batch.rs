//! Batched submits: all accepted, none (a malformed call), or a prefix (at
//! the credit limit).

mod common;

use tether::{BatchCall, Config, Key, Status};

#[test]
fn a_batch_completes_every_call() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().lanes(2));
    let calls: Vec<_> = (0..100)
        .map(|_| BatchCall::new(common::METHOD_STATS, Key::Any, &[]))
        .collect();
    let batch = runtime.call_batch(&calls);
    assert!(batch.refused.is_none(), "{:?}", batch.refused);
    let futures = batch.all().unwrap();
    assert_eq!(futures.len(), 100);
    for stats in common::on_futures(futures::future::join_all(futures)) {
        assert_eq!(stats.unwrap().len(), common::STATS_SIZE);
    }
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_ok, 100, "{:?}", counts);
}

#[test]
fn a_batch_with_a_malformed_call_accepts_none() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().max_payload_bytes(8));
    let big = [0u8; 9];
    let calls = [
        BatchCall::new(common::METHOD_STATS, Key::Any, &[]),
        BatchCall::new(common::METHOD_STATS, Key::Any, &big),
    ];
    let batch = runtime.call_batch(&calls);
    assert!(batch.accepted.is_empty());
    let error = batch.all().unwrap_err();
    assert_eq!(error.status(), Status::TooLarge, "{}", error);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.submitted, 0, "{:?}", counts);
}

#[test]
fn a_batch_over_the_credits_is_accepted_in_part() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().max_calls_in_flight(4));
    let slow = common::slow_payload(common::FOREVER_NS);
    let calls: Vec<_> = (0..8)
        .map(|_| BatchCall::new(common::METHOD_SLOW, Key::Any, &slow))
        .collect();
    let batch = runtime.call_batch(&calls);
    assert_eq!(batch.accepted.len(), 4);
    let error = batch.refused.as_ref().unwrap();
    assert_eq!(error.status(), Status::Busy, "{}", error);
    assert!(error.message().contains("first 4 accepted"), "{}", error);
    for call in &batch.accepted {
        assert!(call.ticket().is_some());
    }
    drop(batch); // cancels the accepted calls
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_cancelled, 4, "{:?}", counts);
}

#[test]
fn an_empty_batch_accepts_nothing_and_refuses_nothing() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let batch = runtime.call_batch(&[]);
    assert!(batch.accepted.is_empty() && batch.refused.is_none());
    common::assert_all_completed(&runtime);
}

#[test]
fn batch_calls_carry_their_deadlines() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let slow = common::slow_payload(common::FOREVER_NS);
    let calls = [
        BatchCall::new(common::METHOD_SLOW, Key::Any, &slow)
            .with(tether::CallOptions::new().timeout(std::time::Duration::from_millis(10))),
        BatchCall::new(common::METHOD_STATS, Key::Any, &[]),
    ];
    let mut futures = runtime.call_batch(&calls).all().unwrap().into_iter();
    let slow = futures.next().unwrap();
    let stats = futures.next().unwrap();
    assert_eq!(stats.wait().unwrap().len(), common::STATS_SIZE);
    assert_eq!(slow.wait().unwrap_err().status(), Status::Deadline);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_deadline, 1, "{:?}", counts);
}
