//! Runtime::open: a library linked into the program (the test's gate
//! library), and the tables it refuses.

mod common;

use common::gate;
use tether::{Config, Key, Runtime, Status};

#[test]
fn a_linked_in_library_serves_calls() {
    let _guard = common::guard();
    // SAFETY: the gate library keeps library.h's contract.
    let runtime = unsafe { Runtime::open(gate::library(), &Config::new().lanes(2)) }.unwrap();
    assert_eq!(runtime.lanes(), 2);
    let echo = runtime
        .call_blocking(gate::METHOD_ECHO, Key::Any, b"linked in")
        .unwrap();
    assert_eq!(&echo[..], b"linked in");
    let empty = common::on_futures(runtime.call(gate::METHOD_ECHO, Key::Of(3), &[])).unwrap();
    assert!(empty.is_empty());
    let error = runtime.call_blocking(1000, Key::Any, &[]).unwrap_err();
    assert_eq!(error.status(), Status::Library, "{}", error);
    assert_eq!(error.library_code(), gate::ERR_UNKNOWN_METHOD);
    assert_eq!(error.message(), "gate: unknown method");
    drop(echo);
    let counts = common::assert_all_completed(&runtime);
    assert_eq!(counts.completed_ok, 2, "{:?}", counts);
    runtime.close().unwrap();
}

#[test]
fn a_failing_lane_start_is_a_load_error() {
    let _guard = common::guard();
    // SAFETY: the table keeps library.h's contract (its lane_start fails).
    let error = unsafe { Runtime::open(gate::failing_library(), &Config::new()) }.unwrap_err();
    assert_eq!(error.status(), Status::Load, "{}", error);
    assert!(!error.message().is_empty());
}

#[test]
fn a_table_without_a_handler_is_invalid_arg() {
    let _guard = common::guard();
    // SAFETY: tether checks the table before calling anything in it.
    let error =
        unsafe { Runtime::open(gate::library_without_handler(), &Config::new()) }.unwrap_err();
    assert_eq!(error.status(), Status::InvalidArg, "{}", error);
    assert!(error.message().contains("handle"), "{}", error);
}

#[test]
fn a_config_out_of_range_is_invalid_arg() {
    let _guard = common::guard();
    // SAFETY: the gate library keeps library.h's contract.
    let error = unsafe { Runtime::open(gate::library(), &Config::new().lanes(257)) }.unwrap_err();
    assert_eq!(error.status(), Status::InvalidArg, "{}", error);
}
