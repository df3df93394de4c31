//! Blocking calls to the kvstore library.

mod common;

use std::sync::Arc;

use tether::{Config, Key, Status};

#[test]
fn stats_returns_its_32_bytes() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().lanes(2));
    let stats = runtime
        .call_blocking(common::METHOD_STATS, Key::Any, &[])
        .unwrap();
    assert_eq!(stats.len(), common::STATS_SIZE);
    let lane = u32::from_le_bytes([stats[24], stats[25], stats[26], stats[27]]);
    assert!(lane < 2, "lane {}", lane);
    drop(stats);
    runtime.close().unwrap();
}

#[test]
fn put_then_get_round_trips() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().lanes(2));
    let key = b"greeting";
    let put = runtime
        .call_blocking(
            common::METHOD_PUT,
            common::affinity(key),
            &common::put_payload(key, b"hello, tether"),
        )
        .unwrap();
    assert!(put.is_empty());
    let value = runtime
        .call_blocking(
            common::METHOD_GET,
            common::affinity(key),
            &common::get_payload(key),
        )
        .unwrap();
    assert_eq!(&value[..], b"hello, tether");
    assert_eq!(value.into_vec(), b"hello, tether".to_vec());
    runtime.close().unwrap();
}

#[test]
fn a_library_error_carries_its_code_and_message() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let key = b"never stored";
    let error = runtime
        .call_blocking(
            common::METHOD_GET,
            common::affinity(key),
            &common::get_payload(key),
        )
        .unwrap_err();
    assert_eq!(error.status(), Status::Library, "{}", error);
    assert_eq!(error.library_code(), common::ERR_NOT_FOUND, "{}", error);
    assert!(!error.message().is_empty());
    assert!(
        error.to_string().starts_with("TETHER_E_LIBRARY: "),
        "{}",
        error
    );
    runtime.close().unwrap();
}

#[test]
fn a_payload_over_max_payload_bytes_is_too_large() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().max_payload_bytes(16));
    let key = b"k";
    let error = runtime
        .call_blocking(
            common::METHOD_PUT,
            common::affinity(key),
            &common::put_payload(key, &[7u8; 64]),
        )
        .unwrap_err();
    assert_eq!(error.status(), Status::TooLarge, "{}", error);
    // A payload within the limit still goes through.
    runtime
        .call_blocking(
            common::METHOD_PUT,
            common::affinity(key),
            &common::put_payload(key, b"v"),
        )
        .unwrap();
    runtime.close().unwrap();
}

#[test]
fn eight_threads_share_one_runtime() {
    let _guard = common::guard();
    let runtime = Arc::new(common::open_kvstore(&Config::new().lanes(4)));
    let threads: Vec<_> = (0..8)
        .map(|thread| {
            let runtime = Arc::clone(&runtime);
            std::thread::spawn(move || {
                for i in 0..50 {
                    let key = format!("thread {} key {}", thread, i).into_bytes();
                    let value = format!("value {} of thread {}", i, thread).into_bytes();
                    runtime
                        .call_blocking(
                            common::METHOD_PUT,
                            common::affinity(&key),
                            &common::put_payload(&key, &value),
                        )
                        .unwrap();
                    let got = runtime
                        .call_blocking(
                            common::METHOD_GET,
                            common::affinity(&key),
                            &common::get_payload(&key),
                        )
                        .unwrap();
                    assert_eq!(&got[..], &value[..]);
                    let stats = runtime
                        .call_blocking(common::METHOD_STATS, Key::Any, &[])
                        .unwrap();
                    assert_eq!(stats.len(), common::STATS_SIZE);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let runtime = Arc::try_unwrap(runtime).unwrap();
    runtime.close().unwrap();
}
