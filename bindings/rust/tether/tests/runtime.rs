//! Opening, shutting down and closing a runtime.

mod common;

use tether::{Config, Key, Runtime, Status};

#[test]
fn opens_the_kvstore_library_by_path() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().lanes(2));
    assert_eq!(runtime.lanes(), 2);
    runtime.close().unwrap();
}

#[test]
fn config_starts_from_the_c_defaults() {
    let config = Config::new();
    assert_eq!(config.get_lanes(), 1);
    assert_eq!(config.get_max_calls_in_flight(), 16384);
    assert_eq!(config.get_max_bytes_in_flight(), 256 << 20);
    assert_eq!(config.get_max_payload_bytes(), 64 << 20);
    let config = config
        .lanes(3)
        .max_calls_in_flight(7)
        .max_bytes_in_flight(1 << 20)
        .max_payload_bytes(1024);
    assert_eq!(config.get_lanes(), 3);
    assert_eq!(config.get_max_calls_in_flight(), 7);
    assert_eq!(config.get_max_bytes_in_flight(), 1 << 20);
    assert_eq!(config.get_max_payload_bytes(), 1024);
}

#[test]
fn the_loaded_library_is_the_version_of_the_headers() {
    assert_eq!(tether::version_number(), tether_sys::TETHER_VERSION_NUMBER);
}

#[test]
fn a_bad_path_is_a_load_error_naming_the_path() {
    let _guard = common::guard();
    let path = "/nonexistent/libnot-a-tether-library.so";
    let error = Runtime::open_path(path, common::SYMBOL, &Config::new()).unwrap_err();
    assert_eq!(error.status(), Status::Load, "{}", error);
    assert!(
        error.message().contains(path),
        "message does not name the path: {}",
        error
    );
    assert!(
        error.to_string().starts_with("TETHER_E_LOAD: "),
        "{}",
        error
    );
}

#[test]
fn a_missing_symbol_is_a_load_error() {
    let _guard = common::guard();
    let error =
        Runtime::open_path(common::kvstore_path(), "no_such_symbol", &Config::new()).unwrap_err();
    assert_eq!(error.status(), Status::Load, "{}", error);
    assert!(error.message().contains("no_such_symbol"), "{}", error);
}

#[test]
fn a_config_out_of_range_is_invalid_arg() {
    let _guard = common::guard();
    let error = Runtime::open_path(
        common::kvstore_path(),
        common::SYMBOL,
        &Config::new().lanes(0),
    )
    .unwrap_err();
    assert_eq!(error.status(), Status::InvalidArg, "{}", error);
}

#[test]
fn a_call_after_shutdown_is_closed() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    runtime.shutdown().unwrap();
    runtime.shutdown().unwrap(); // idempotent
    let error = runtime
        .call_blocking(common::METHOD_STATS, Key::Any, &[])
        .unwrap_err();
    assert_eq!(error.status(), Status::Closed, "{}", error);
    runtime.close().unwrap();
}

#[test]
fn drop_without_close_frees_the_runtime() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().lanes(2));
    runtime
        .call_blocking(common::METHOD_STATS, Key::Any, &[])
        .unwrap();
    drop(runtime);
}

#[test]
fn runtime_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Runtime>();
    assert_send_sync::<tether::Buffer>();
    assert_send_sync::<tether::Error>();
}
