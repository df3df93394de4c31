//! The store's per-thread state: a session, kept in a `thread_local!` and
//! built the first time a thread runs an operation. Building one is what a
//! library with thread-affine state pays on every new thread; the
//! process-wide count of sessions built shows how many threads ever ran
//! store code.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::thread;

static SESSIONS_CREATED: AtomicU64 = AtomicU64::new(0);
static NEXT_SESSION_ID: AtomicU32 = AtomicU32::new(1);

/// Sessions built in this process so far (one per thread that ran an
/// operation).
pub fn sessions_created() -> u64 {
    SESSIONS_CREATED.load(Ordering::Relaxed)
}

/// One thread's session.
#[derive(Debug)]
pub struct Session {
    /// 1 for the first session the process built, then 2, ...
    pub id: u32,
    /// Operations this session ran.
    pub ops: u64,
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// The thread's name: Rust's, else the kernel's (threads Rust did not
/// start, such as tether's lanes or a Go host's threads), else a dash.
fn thread_name() -> String {
    if let Some(name) = thread::current().name() {
        return name.to_string();
    }
    std::fs::read_to_string("/proc/thread-self/comm")
        .map(|comm| comm.trim_end().to_string())
        .unwrap_or_else(|_| "-".to_string())
}

/// Runs `f` on this thread's session, building it first (counted, and
/// logged once through `log`) if this thread has none yet.
///
/// REQUIRES: `f` does not call `with` again (the session is borrowed).
pub fn with<R>(log: &dyn Fn(&str), f: impl FnOnce(&mut Session) -> R) -> R {
    SESSION.with(|cell| {
        let mut slot = cell.borrow_mut();
        let session = slot.get_or_insert_with(|| {
            let id = NEXT_SESSION_ID.fetch_add(1, Ordering::Relaxed);
            let created = SESSIONS_CREATED.fetch_add(1, Ordering::Relaxed) + 1;
            log(&format!(
                "store: session {} created on thread {} ({} created in this process)",
                id,
                thread_name(),
                created
            ));
            Session { id, ops: 0 }
        });
        f(session)
    })
}
