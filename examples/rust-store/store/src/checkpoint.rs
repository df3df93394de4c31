//! The store's checkpointer: one thread per [`Store`](crate::Store) that
//! copies the write-ahead log back into the database, so that no serving
//! connection does it inside a request.
//!
//! SQLite's default is for the connection whose commit fills the WAL past
//! 1000 pages to checkpoint it right after that commit: a stall of several
//! milliseconds in whichever request made it. On a thread that serves a
//! queue of requests (a tether lane) every request queued behind it waits
//! too. Serving connections count their writes instead; every
//! [`WRITES_PER_CHECKPOINT`] writes wake this thread, which runs a PASSIVE
//! checkpoint on a connection of its own (readers and writers go on
//! meanwhile).
//!
//! A checkpoint that runs beside a steady stream of writes never copies
//! the whole log, and the log starts over from its beginning only after
//! one has: alone, this thread would let it grow without bound. So serving
//! connections keep SQLite's own checkpoint, at [`WAL_LIMIT_FRAMES`]
//! instead of 1000 pages: rarely, the commit that reaches it copies what
//! this thread has not yet (little, as it keeps up) and the log starts
//! over.
//!
//! Thread safety: [`Checkpointer`] is `Send + Sync`. Dropping it stops and
//! joins the thread, so no store code runs after the last handle goes (a
//! module unloaded after that leaves no thread behind in it).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rusqlite::Connection;

/// Writes between two checkpoints (about 1000 WAL pages of small rows, the
/// size SQLite's own auto-checkpoint waits for).
pub const WRITES_PER_CHECKPOINT: u64 = 300;

/// The log's size, in frames (pages), at which the committing connection
/// checkpoints after all, as SQLite does by default at 1000 (about 16 MiB
/// of 4 KiB pages).
pub const WAL_LIMIT_FRAMES: u32 = 4000;

static CHECKPOINTS_RUN: AtomicU64 = AtomicU64::new(0);

/// Checkpoints the checkpointer threads have run in this process.
pub fn checkpoints_run() -> u64 {
    CHECKPOINTS_RUN.load(Ordering::Relaxed)
}

#[derive(Default)]
struct State {
    pending: bool,
    stop: bool,
}

#[derive(Default)]
struct Signal {
    state: Mutex<State>,
    wake: Condvar,
}

pub(crate) struct Checkpointer {
    signal: Arc<Signal>,
    writes: AtomicU64,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread, with its own connection to `path`.
    pub(crate) fn start(path: PathBuf, busy_timeout: Duration) -> std::io::Result<Checkpointer> {
        let signal = Arc::new(Signal::default());
        let theirs = signal.clone();
        let thread = thread::Builder::new()
            .name("store-checkpoint".to_string())
            .spawn(move || run(&path, busy_timeout, &theirs))?;
        Ok(Checkpointer {
            signal,
            writes: AtomicU64::new(0),
            thread: Some(thread),
        })
    }

    /// Counts one committed write; wakes the thread every
    /// [`WRITES_PER_CHECKPOINT`]. Any thread.
    pub(crate) fn wrote(&self) {
        if (self.writes.fetch_add(1, Ordering::Relaxed) + 1) % WRITES_PER_CHECKPOINT == 0 {
            let mut state = lock(&self.signal.state);
            state.pending = true;
            self.signal.wake.notify_one();
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        lock(&self.signal.state).stop = true;
        self.signal.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn run(path: &std::path::Path, busy_timeout: Duration, signal: &Signal) {
    let conn = match Connection::open(path).and_then(|conn| {
        conn.busy_timeout(busy_timeout)?;
        Ok(conn)
    }) {
        Ok(conn) => conn,
        Err(err) => {
            eprintln!(
                "store: checkpointer cannot open {}: {}",
                path.display(),
                err
            );
            return;
        }
    };
    loop {
        {
            let mut state = lock(&signal.state);
            while !state.pending && !state.stop {
                state = signal
                    .wake
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
            if state.stop {
                return;
            }
            state.pending = false;
        }
        // PASSIVE: copies what no reader still needs, without waiting for
        // or blocking anyone. What it cannot copy now waits for the next.
        if conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .is_ok()
        {
            CHECKPOINTS_RUN.fetch_add(1, Ordering::Relaxed);
        }
    }
}
