//! Routing tether's log lines into the `log` crate. Its own test binary:
//! a `log` logger can be installed once per process.

mod common;

use std::ffi::c_void;
use std::sync::Mutex;

struct Capture;

static LINES: Mutex<Vec<(log::Level, String, String)>> = Mutex::new(Vec::new());

impl log::Log for Capture {
    fn enabled(&self, _metadata: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        LINES.lock().unwrap().push((
            record.level(),
            record.target().to_string(),
            record.args().to_string(),
        ));
    }

    fn flush(&self) {}
}

static CAPTURE: Capture = Capture;

/// Frees a pointer tether did not allocate: tether refuses it and logs one
/// WARN line.
fn free_a_foreign_pointer() {
    let mut local = [0u64; 4];
    // SAFETY: tether checks membership before reading anything, and never
    // touches a pointer it did not allocate (tether/buffer.h).
    let status = unsafe { tether_sys::tether_buf_free(local.as_mut_ptr() as *mut c_void) };
    assert_eq!(status, tether_sys::TETHER_E_FOREIGN_BUFFER);
}

fn tether_lines() -> Vec<(log::Level, String)> {
    LINES
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, target, _)| target == "tether")
        .map(|(level, _, text)| (*level, text.clone()))
        .collect()
}

#[test]
fn lines_go_to_the_log_crate_until_routed_back() {
    let _guard = common::guard();
    log::set_logger(&CAPTURE).unwrap();
    log::set_max_level(log::LevelFilter::Info);

    tether::log::route_to_log_crate().unwrap();
    free_a_foreign_pointer();
    let lines = tether_lines();
    assert_eq!(lines.len(), 1, "{:?}", lines);
    assert_eq!(lines[0].0, log::Level::Warn);
    assert!(
        lines[0].1.contains("foreign") || lines[0].1.contains("not allocate"),
        "{:?}",
        lines
    );

    // Above the line's level: tether does not send it.
    tether::log::route_to_log_crate_at(log::LevelFilter::Error).unwrap();
    free_a_foreign_pointer();
    assert_eq!(tether_lines().len(), 1);

    tether::log::route_to_stderr().unwrap();
    free_a_foreign_pointer();
    assert_eq!(tether_lines().len(), 1, "back on stderr");
}
