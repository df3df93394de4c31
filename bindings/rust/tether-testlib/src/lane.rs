//! The test library's lane state and its methods (listed in lib.rs).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tether::library::{Gauge, Lane, LaneState, Reply, Request, StartError};

/// Sessions made so far, process-wide: each lane's first SESSION makes one.
static SESSIONS: AtomicU64 = AtomicU64::new(0);
/// SPIN handlers looping now, process-wide.
static SPINNING: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// The lane this thread runs, set at lane start.
    static LANE_INDEX: Cell<Option<u32>> = const { Cell::new(None) };
    /// Per-thread state made on first use: the session (serial, lane it was
    /// made on). Made once per lane if, and only if, requests run only on
    /// lanes.
    static SESSION: (u64, u32) = (
        SESSIONS.fetch_add(1, Ordering::SeqCst) + 1,
        LANE_INDEX.with(|index| index.get()).unwrap_or(u32::MAX),
    );
    /// REMOTE replies waiting for the library's own thread to post back.
    static WAITING: RefCell<HashMap<u64, Reply>> = RefCell::new(HashMap::new());
}

/// An object handed to hosts by handle.
struct Note(Vec<u8>);

/// Another type, to look a Note's handle up as.
struct Tally(#[allow(dead_code)] u64);

pub struct TestLane {
    lane: Lane,
    gauge: Gauge,
    last_spin: String,
}

impl LaneState for TestLane {
    fn start(lane: &Lane) -> Result<TestLane, StartError> {
        LANE_INDEX.with(|index| index.set(Some(lane.index())));
        Ok(TestLane {
            lane: lane.clone(),
            gauge: lane.gauge("testlib-entries")?,
            last_spin: String::new(),
        })
    }

    fn handle(&mut self, request: Request<'_>, reply: Reply) {
        let payload = request.payload();
        let _ = match request.method() {
            crate::ECHO => reply.ok(payload),
            crate::FAIL => match payload.get(..4) {
                Some(code) => reply.error(
                    i32::from_le_bytes(code.try_into().unwrap()),
                    &String::from_utf8_lossy(&payload[4..]),
                ),
                None => reply.error(crate::BAD_PAYLOAD, "FAIL needs an i32 code"),
            },
            crate::PANIC => panic!("{}", String::from_utf8_lossy(payload)),
            crate::DROP => {
                drop(reply);
                Ok(())
            }
            crate::TIMER => match u64_of(payload) {
                Some(ms) => self.lane.after(Duration::from_millis(ms), move || {
                    let _ = reply.ok(b"from a timer");
                }),
                None => reply.error(crate::BAD_PAYLOAD, "TIMER needs a u64 delay"),
            },
            crate::POSTED => self.lane.post(move || {
                let _ = reply.ok(b"from posted work");
            }),
            crate::REMOTE => self.remote(reply),
            crate::SESSION => {
                let (serial, made_on) = SESSION.with(|session| *session);
                let mut out = serial.to_le_bytes().to_vec();
                out.extend_from_slice(&made_on.to_le_bytes());
                out.extend_from_slice(&request.lane_index().to_le_bytes());
                reply.ok(&out)
            }
            crate::LANE => {
                let mut out = request.lane_index().to_le_bytes().to_vec();
                out.extend_from_slice(&self.lane.index().to_le_bytes());
                reply.ok(&out)
            }
            crate::GAUGE => match u64_of(payload) {
                Some(value) => match self.gauge.set(value) {
                    Ok(()) => reply.ok(&[]),
                    Err(error) => reply.error(error.status().code(), error.message()),
                },
                None => reply.error(crate::BAD_PAYLOAD, "GAUGE needs a u64"),
            },
            crate::HANDLE_NEW => {
                match self.lane.host().new_handle(Note(payload.to_vec()), "Note") {
                    Ok(handle) => reply.ok(&handle.to_le_bytes()),
                    Err(error) => reply.error(error.status().code(), error.message()),
                }
            }
            crate::HANDLE_GET => match u64_of(payload) {
                Some(handle) => match self.lane.host().get_handle::<Note>(handle) {
                    Ok(note) => reply.ok(&note.0),
                    Err(error) => reply.error(error.status().code(), error.message()),
                },
                None => reply.error(crate::BAD_PAYLOAD, "HANDLE_GET needs a u64 handle"),
            },
            crate::HANDLE_GET_TALLY => match u64_of(payload) {
                Some(handle) => match self.lane.host().get_handle::<Tally>(handle) {
                    Ok(tally) => reply.ok(&tally.0.to_le_bytes()),
                    Err(error) => reply.error(error.status().code(), error.message()),
                },
                None => reply.error(crate::BAD_PAYLOAD, "HANDLE_GET_TALLY needs a u64 handle"),
            },
            crate::SPIN => {
                self.spin(&request, reply);
                Ok(())
            }
            crate::SPINNING => reply.ok(&SPINNING.load(Ordering::SeqCst).to_le_bytes()),
            crate::LAST_SPIN => reply.ok(self.last_spin.as_bytes()),
            crate::PANIC_IN_POSTED => self.lane.post(move || {
                let _held = reply;
                panic!("posted work gave up");
            }),
            crate::PANIC_AFTER_REPLY => {
                let _ = reply.ok(b"replied");
                panic!("panicked after replying");
            }
            crate::RESULT_BUFFER => match payload.get(..4) {
                Some(len) => {
                    let len = u32::from_le_bytes(len.try_into().unwrap()) as usize;
                    match self.lane.host().alloc(len) {
                        Ok(mut buffer) => {
                            for (i, byte) in buffer.iter_mut().enumerate() {
                                *byte = (i % 251) as u8;
                            }
                            reply.ok_buffer(buffer)
                        }
                        Err(error) => reply.error(error.status().code(), error.message()),
                    }
                }
                None => reply.error(crate::BAD_PAYLOAD, "RESULT_BUFFER needs a u32 length"),
            },
            other => reply.error(crate::UNKNOWN_METHOD, &format!("no method {}", other)),
        };
    }
}

impl TestLane {
    /// Parks the reply on the lane; a thread of the library's own posts
    /// work back that finds it and replies.
    fn remote(&mut self, reply: Reply) -> tether::Result<()> {
        let id = reply.id();
        WAITING.with(|waiting| waiting.borrow_mut().insert(id, reply));
        let remote = self.lane.remote();
        std::thread::spawn(move || {
            // Fails only once the lane has stopped, and its calls with it.
            let _ = remote.post(move |_lane| {
                if let Some(reply) = WAITING.with(|waiting| waiting.borrow_mut().remove(&id)) {
                    let _ = reply.ok(b"from another thread");
                }
            });
        });
        Ok(())
    }

    fn spin(&mut self, request: &Request<'_>, reply: Reply) {
        SPINNING.fetch_add(1, Ordering::SeqCst);
        let mut polls = 0u32;
        while !request.is_cancelled() {
            polls += 1;
            if polls == 100_000 {
                SPINNING.fetch_sub(1, Ordering::SeqCst);
                self.last_spin = "never cancelled".to_string();
                let _ = reply.error(crate::NEVER_CANCELLED, "SPIN was never cancelled");
                return;
            }
            std::thread::sleep(Duration::from_micros(100));
        }
        SPINNING.fetch_sub(1, Ordering::SeqCst);
        self.last_spin = match reply.ok(b"stopped after the cancel") {
            Ok(()) => "ok".to_string(),
            Err(error) => error.status().name().to_string(),
        };
    }
}

fn u64_of(payload: &[u8]) -> Option<u64> {
    payload.try_into().ok().map(u64::from_le_bytes)
}
