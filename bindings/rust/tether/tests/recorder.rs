//! The boundary recorder's dump.

mod common;

use std::io::{Read, Seek, SeekFrom};

use tether::{Config, Key, Status};

fn dump(runtime: &tether::Runtime, payloads: bool) -> Vec<String> {
    let mut file = tempfile();
    runtime.dump_recording(&file, payloads).unwrap();
    file.seek(SeekFrom::Start(0)).unwrap();
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    text.lines().map(str::to_string).collect()
}

fn tempfile() -> std::fs::File {
    let path = std::env::temp_dir().join(format!("tether-rust-recording-{}", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    file
}

#[test]
fn dump_holds_a_line_per_call_with_its_payload_when_captured() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new().recorder_entries(256).capture(4096, 256));
    let payload = common::put_payload(b"k", b"v");
    runtime
        .call_blocking(common::METHOD_PUT, Key::Of(3), &payload)
        .unwrap_err(); // the wrong key for "k": a library error, code 4
    let hex: String = payload.iter().map(|b| format!("{:02x}", b)).collect();
    let lines = dump(&runtime, true);
    assert_eq!(lines.len(), 2, "{:?}", lines);
    assert!(lines[0].contains("\"format\":\"tether-recording\",\"version\":1"));
    assert!(lines[1].contains(&format!(
        "\"method\":{},\"key\":3,\"len\":{}",
        common::METHOD_PUT,
        payload.len()
    )));
    assert!(
        lines[1].contains("\"outcome\":\"done\",\"status\":6,\"code\":4"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains(&format!("\"payload\":\"{}\"", hex)),
        "{}",
        lines[1]
    );
    assert!(!dump(&runtime, false)[1].contains("payload"));
}

#[test]
fn a_runtime_with_the_recorder_off_dumps_its_header_alone() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new()); // off by default
    runtime
        .call_blocking(common::METHOD_STATS, Key::Any, &[])
        .unwrap();
    let lines = dump(&runtime, false);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].contains("\"entries\":0"));
}

#[test]
fn a_failed_write_is_io() {
    let _guard = common::guard();
    let runtime = common::open_kvstore(&Config::new());
    let read_only = std::fs::File::open("/dev/null").unwrap();
    let error = runtime.dump_recording(&read_only, false).unwrap_err();
    assert_eq!(error.status(), Status::Io);
}
