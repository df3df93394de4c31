//! Streams: calls with one key run in the order they were submitted.

mod common;

use tether::{Config, Key, Runtime};

const WRITES: usize = 200;

/// Submits WRITES PUTs of one key through one stream without waiting
/// between them, then a GET: it must see the last value.
async fn writes_through_a_stream_land_in_order(runtime: &Runtime) {
    let stream = runtime.stream().unwrap();
    let key = b"ordered";
    let puts: Vec<_> = (0..WRITES)
        .map(|i| {
            stream.call(
                common::METHOD_PUT,
                common::affinity(key),
                &common::put_payload(key, format!("value {}", i).as_bytes()),
            )
        })
        .collect();
    let get = stream.call(
        common::METHOD_GET,
        common::affinity(key),
        &common::get_payload(key),
    );
    drop(stream); // calls already submitted still complete
    for put in futures::future::join_all(puts).await {
        assert!(put.unwrap().is_empty());
    }
    let value = get.await.unwrap();
    assert_eq!(&value[..], format!("value {}", WRITES - 1).as_bytes());
}

#[test]
fn writes_through_a_stream_land_in_order_on_tokio() {
    let _guard = common::guard();
    let runtime = std::sync::Arc::new(common::open_kvstore(&Config::new().lanes(4)));
    let shared = std::sync::Arc::clone(&runtime);
    common::on_tokio(async move { writes_through_a_stream_land_in_order(&shared).await });
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_ok, WRITES as u64 + 1, "{:?}", counts);
}

#[test]
fn writes_through_a_stream_land_in_order_on_futures() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().lanes(4));
    common::on_futures(writes_through_a_stream_land_in_order(&runtime));
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_ok, WRITES as u64 + 1, "{:?}", counts);
}

#[test]
fn a_stream_moves_to_another_thread() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let stream = runtime.stream().unwrap();
    let stats = std::thread::scope(|scope| {
        scope
            .spawn(move || stream.call(common::METHOD_STATS, Key::Any, &[]).wait())
            .join()
            .unwrap()
    })
    .unwrap();
    assert_eq!(stats.len(), common::STATS_SIZE);
    drop(stats);
    common::assert_all_completed(&runtime);
}

#[test]
fn dropping_a_stream_call_cancels_it() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let stream = runtime.stream().unwrap();
    let handled = common::handled(&runtime);
    let call = stream.call(
        common::METHOD_SLOW,
        Key::Of(1),
        &common::slow_payload(common::FOREVER_NS),
    );
    common::wait_until("the SLOW handler to start", || {
        common::handled(&runtime) > handled
    });
    drop(call);
    drop(stream);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_cancelled, 1, "{:?}", counts);
}

#[test]
fn a_stream_refuses_a_payload_over_the_limit() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().max_payload_bytes(4));
    let stream = runtime.stream().unwrap();
    let error = stream
        .call(common::METHOD_STATS, Key::Any, &[0u8; 5])
        .wait()
        .unwrap_err();
    assert_eq!(error.status(), tether::Status::TooLarge, "{}", error);
    drop(stream);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.submitted, 0, "{:?}", counts);
}
