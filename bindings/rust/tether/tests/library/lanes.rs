//! Lanes: state made on each lane, thread-local sessions, lane start and
//! stop failures, gauges.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tether::{Key, Status};
use tether_sys as sys;

use crate::support::{self, guard, open_testlib, u32_at, u64_at};

#[test]
fn thread_local_sessions_are_one_per_lane_after_many_calls_from_many_threads() {
    let _guard = guard();
    const LANES: u32 = 4;
    let runtime = Arc::new(open_testlib(LANES));
    let threads: Vec<_> = (0..8u64)
        .map(|thread| {
            let runtime = Arc::clone(&runtime);
            std::thread::spawn(move || {
                (0..100u64)
                    .map(|call| {
                        // Half keyed (every lane in turn), half to any lane.
                        let key = if call % 2 == 0 {
                            Key::Of(thread + call)
                        } else {
                            Key::Any
                        };
                        let reply = runtime.call_blocking(support::SESSION, key, &[]).unwrap();
                        (u64_at(&reply, 0), u32_at(&reply, 8), u32_at(&reply, 12))
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut lane_of_session: HashMap<u64, u32> = HashMap::new();
    for thread in threads {
        for (session, made_on, ran_on) in thread.join().unwrap() {
            assert_eq!(made_on, ran_on, "session {} made on another lane", session);
            let lane = *lane_of_session.entry(session).or_insert(ran_on);
            assert_eq!(lane, ran_on, "session {} seen on two lanes", session);
        }
    }
    let lanes: HashSet<u32> = lane_of_session.values().copied().collect();
    assert_eq!(
        lanes.len(),
        LANES as usize,
        "the keys used reach every lane"
    );
    assert_eq!(
        lane_of_session.len(),
        LANES as usize,
        "one session per lane, whatever thread submitted: {:?}",
        lane_of_session
    );
    Arc::try_unwrap(runtime).unwrap().close().unwrap();
}

#[test]
fn each_request_runs_on_the_lane_whose_state_was_started_there() {
    let _guard = guard();
    let runtime = open_testlib(3);
    let mut lanes = HashSet::new();
    for key in 0..12u64 {
        let mut seen = Vec::new();
        for _ in 0..2 {
            let reply = runtime
                .call_blocking(support::LANE, Key::Of(key), &[])
                .unwrap();
            let (request_lane, state_lane) = (u32_at(&reply, 0), u32_at(&reply, 4));
            assert_eq!(state_lane, request_lane, "key {}", key);
            seen.push(request_lane);
        }
        assert_eq!(seen[0], seen[1], "key {} moved lanes", key);
        lanes.insert(seen[0]);
    }
    assert_eq!(lanes.len(), 3, "keys 0..12 reach every lane: {:?}", lanes);
    runtime.close().unwrap();
}

#[test]
fn a_start_that_fails_fails_the_open_with_load_and_logs_why() {
    let guard = guard();
    let error = support::open(support::START_FAILS, 2).unwrap_err();
    assert_eq!(error.status(), Status::Load);
    assert!(
        error
            .message()
            .contains("lane_start of library 'tether-testlib-start-fails'"),
        "{}",
        error
    );
    let logged = guard.lines(
        sys::TETHER_LOG_ERROR,
        "start failed: testlib: lane 0 refuses to start",
    );
    assert_eq!(logged.len(), 1, "{:?}", guard.all_lines());
}

#[test]
fn a_start_that_panics_fails_the_open_with_load_and_logs_the_panic() {
    let guard = guard();
    let error = support::open(support::START_PANICS, 2).unwrap_err();
    assert_eq!(error.status(), Status::Load);
    let logged = guard.lines(
        sys::TETHER_LOG_ERROR,
        "start panicked: testlib: lane 0 panicked in start",
    );
    assert_eq!(logged.len(), 1, "{:?}", guard.all_lines());
}

#[test]
fn a_stop_that_panics_is_logged_and_the_runtime_closes() {
    let guard = guard();
    let runtime = support::open(support::STOP_PANICS, 2).unwrap();
    let reply = runtime.call_blocking(1, Key::Any, b"served").unwrap();
    assert_eq!(&reply[..], b"served");
    drop(reply);
    runtime.close().unwrap();
    for lane in 0..2 {
        let text = format!("stop panicked: testlib: lane {} panicked in stop", lane);
        assert_eq!(
            guard.lines(sys::TETHER_LOG_ERROR, &text).len(),
            1,
            "{:?}",
            guard.all_lines()
        );
    }
}

#[test]
fn a_gauge_past_the_growth_threshold_logs_once_naming_it() {
    let guard = guard();
    let runtime = open_testlib(1);
    // The default growth threshold is 4096: 5000 crosses it, 6000 does not
    // cross another boundary.
    for value in [100u64, 5000, 6000] {
        runtime
            .call_blocking(support::GAUGE, Key::Any, &value.to_le_bytes())
            .unwrap();
    }
    let logged = guard.lines(sys::TETHER_LOG_WARN, "testlib-entries");
    assert_eq!(logged.len(), 1, "{:?}", guard.all_lines());
    assert!(logged[0].contains("tether-testlib"), "{}", logged[0]);
    runtime.close().unwrap();
}
