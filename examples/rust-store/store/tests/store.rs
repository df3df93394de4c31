use std::cell::Cell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use store::wire::{self, Request, Stats};
use store::{Code, Conn, Store};

/// A fresh database directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "store-test-{}-{}-{}",
            std::process::id(),
            name,
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn db(&self) -> PathBuf {
        self.0.join("store.sqlite")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn call(conn: &mut Conn, request: Request<'_>) -> Result<Vec<u8>, store::Failure> {
    let (method, payload) = request.encode();
    store::handle(conn, method, &payload, &|_| {})
}

#[test]
fn put_get_delete_round_trip() {
    let dir = TempDir::new("crud");
    let store = Store::open(dir.db(), Duration::from_secs(1)).unwrap();
    let mut conn = store.connect().unwrap();
    assert_eq!(
        call(
            &mut conn,
            Request::Put {
                key: b"a",
                value: b"1"
            }
        )
        .unwrap(),
        b""
    );
    assert_eq!(call(&mut conn, Request::Get { key: b"a" }).unwrap(), b"1");
    call(
        &mut conn,
        Request::Put {
            key: b"a",
            value: b"2",
        },
    )
    .unwrap();
    assert_eq!(call(&mut conn, Request::Get { key: b"a" }).unwrap(), b"2");
    assert_eq!(call(&mut conn, Request::Delete { key: b"a" }).unwrap(), [1]);
    assert_eq!(call(&mut conn, Request::Delete { key: b"a" }).unwrap(), [0]);
    let missing = call(&mut conn, Request::Get { key: b"a" }).unwrap_err();
    assert_eq!(missing.code, Code::NotFound);
}

#[test]
fn writes_on_one_connection_are_read_on_another() {
    let dir = TempDir::new("two");
    let store = Store::open(dir.db(), Duration::from_secs(1)).unwrap();
    let mut writer = store.connect().unwrap();
    let mut reader = store.connect().unwrap();
    call(
        &mut writer,
        Request::Put {
            key: b"x",
            value: b"y",
        },
    )
    .unwrap();
    assert_eq!(call(&mut reader, Request::Get { key: b"x" }).unwrap(), b"y");
}

#[test]
fn scan_returns_a_key_range_in_order() {
    let dir = TempDir::new("scan");
    let store = Store::open(dir.db(), Duration::from_secs(1)).unwrap();
    let mut conn = store.connect().unwrap();
    for key in ["b", "d", "a", "c", "e"] {
        call(
            &mut conn,
            Request::Put {
                key: key.as_bytes(),
                value: key.to_uppercase().as_bytes(),
            },
        )
        .unwrap();
    }
    let rows = wire::decode_rows(
        &call(
            &mut conn,
            Request::Scan {
                from: b"b",
                to: Some(b"e"),
                limit: 10,
            },
        )
        .unwrap(),
    )
    .unwrap();
    let expected: Vec<(Vec<u8>, Vec<u8>)> = ["b", "c", "d"]
        .iter()
        .map(|k| (k.as_bytes().to_vec(), k.to_uppercase().into_bytes()))
        .collect();
    assert_eq!(rows, expected);
    let limited = wire::decode_rows(
        &call(
            &mut conn,
            Request::Scan {
                from: b"",
                to: None,
                limit: 2,
            },
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(limited.len(), 2);
    assert_eq!(limited[0].0, b"a");
    assert_eq!(limited[1].0, b"b");
}

#[test]
fn a_bad_payload_is_refused_before_touching_the_database() {
    let dir = TempDir::new("bad");
    let store = Store::open(dir.db(), Duration::from_secs(1)).unwrap();
    let mut conn = store.connect().unwrap();
    let failure = store::handle(&mut conn, wire::PUT, &[1, 0, 0], &|_| {}).unwrap_err();
    assert_eq!(failure.code, Code::BadPayload);
    let failure = store::handle(&mut conn, 42, &[], &|_| {}).unwrap_err();
    assert_eq!(failure.code, Code::UnknownMethod);
    let rows = wire::decode_rows(
        &call(
            &mut conn,
            Request::Scan {
                from: b"",
                to: None,
                limit: 10,
            },
        )
        .unwrap(),
    )
    .unwrap();
    assert!(rows.is_empty());
}

#[test]
fn a_slow_transaction_makes_a_short_busy_timeout_answer_busy() {
    let dir = TempDir::new("busy");
    let slow_store = Store::open(dir.db(), Duration::from_secs(5)).unwrap();
    let impatient = Store::open(dir.db(), Duration::from_millis(10)).unwrap();
    let mut holder = slow_store.connect().unwrap();
    let mut writer = impatient.connect().unwrap();
    let start = Arc::new(Barrier::new(2));
    let started = start.clone();
    let slow = thread::spawn(move || {
        started.wait();
        call(&mut holder, Request::Slow { millis: 500 })
    });
    start.wait();
    // The slow transaction takes the write lock as it begins; keep trying
    // until a put meets it (the thread may not have begun yet).
    let before = store::busy_answers();
    let mut refused = None;
    for _ in 0..400 {
        match call(
            &mut writer,
            Request::Put {
                key: b"k",
                value: b"v",
            },
        ) {
            Ok(_) => thread::sleep(Duration::from_millis(1)),
            Err(failure) => {
                refused = Some(failure);
                break;
            }
        }
    }
    slow.join().unwrap().unwrap();
    let failure = refused.expect("no put met the slow transaction's lock");
    assert_eq!(failure.code, Code::Busy, "{}", failure);
    assert!(store::busy_answers() > before);
    // Once the lock is gone, the same connection writes again.
    call(
        &mut writer,
        Request::Put {
            key: b"k",
            value: b"v",
        },
    )
    .unwrap();
}

#[test]
fn a_thread_builds_its_session_once_and_logs_it_once() {
    let dir = TempDir::new("session");
    let store = Store::open(dir.db(), Duration::from_secs(1)).unwrap();
    let handle = thread::spawn(move || {
        let mut conn = store.connect().unwrap();
        let lines = Cell::new(0);
        let log = |line: &str| {
            assert!(line.contains("session"), "{}", line);
            lines.set(lines.get() + 1);
        };
        let mut last = None;
        for i in 0..5u64 {
            let (method, payload) = Request::Stats.encode();
            let stats =
                Stats::decode(&store::handle(&mut conn, method, &payload, &log).unwrap()).unwrap();
            assert_eq!(stats.session_ops, i + 1);
            if let Some(previous) = last {
                assert_eq!(stats.session_id, previous);
            }
            last = Some(stats.session_id);
            assert!(stats.sessions_created >= 1);
        }
        lines.get()
    });
    assert_eq!(handle.join().unwrap(), 1);
}

#[test]
fn every_new_thread_builds_a_new_session() {
    let dir = TempDir::new("threads");
    let store = Store::open(dir.db(), Duration::from_secs(1)).unwrap();
    let ids: Vec<u32> = (0..4)
        .map(|_| {
            let store = store.clone();
            thread::spawn(move || {
                let mut conn = store.connect().unwrap();
                Stats::decode(&call(&mut conn, Request::Stats).unwrap())
                    .unwrap()
                    .session_id
            })
            .join()
            .unwrap()
        })
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 4, "session ids {:?}", ids);
}

#[test]
fn writes_wake_the_checkpointer() {
    let dir = TempDir::new("checkpoint");
    let store = Store::open(dir.db(), Duration::from_secs(1)).unwrap();
    let mut conn = store.connect().unwrap();
    let before = store::checkpoint::checkpoints_run();
    for i in 0..2 * store::checkpoint::WRITES_PER_CHECKPOINT {
        let key = format!("k{}", i);
        call(
            &mut conn,
            Request::Put {
                key: key.as_bytes(),
                value: b"v",
            },
        )
        .unwrap();
    }
    // The checkpointer runs on its own thread: wait for it, for as long as
    // a loaded machine may need.
    for _ in 0..1000 {
        if store::checkpoint::checkpoints_run() > before {
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    assert!(store::checkpoint::checkpoints_run() > before);
    drop(conn);
    drop(store); // stops and joins the thread
}

#[test]
fn shared_stores_on_one_path_are_one_until_the_last_goes() {
    let dir = TempDir::new("shared");
    let first = Store::shared(dir.db(), Duration::from_secs(1)).unwrap();
    let second = Store::shared(dir.db(), Duration::from_secs(1)).unwrap();
    assert!(Store::ptr_eq(&first, &second));
    let other = TempDir::new("shared-other");
    let elsewhere = Store::shared(other.db(), Duration::from_secs(1)).unwrap();
    assert!(!Store::ptr_eq(&first, &elsewhere));
    let conn = first.connect().unwrap();
    drop(first);
    drop(second);
    // The connection still holds the store.
    let third = Store::shared(dir.db(), Duration::from_secs(1)).unwrap();
    assert!(Store::ptr_eq(&third, &conn.store()));
}
