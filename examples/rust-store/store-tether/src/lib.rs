//! The store served through tether (`tether::library`): each lane opens one
//! SQLite connection as it starts and keeps it in its lane state, and the
//! store's thread-local session is built once per lane, on the lane's first
//! request. Exports `tether_store_library`.
//!
//! The database is named by the environment variable `STORE_TETHER_DB`,
//! read as each lane starts; `STORE_TETHER_BUSY_TIMEOUT_MS` sets SQLite's
//! busy timeout (default 5000). A lane that cannot open the database fails
//! its start, and with it the runtime's open (`TETHER_E_LOAD`), the reason
//! logged.

use std::env;
use std::time::Duration;

use store::{Conn, Store};
use tether::library::{Lane, LaneState, LogLevel, Reply, Request, StartError};

const DB_ENV: &str = "STORE_TETHER_DB";
const BUSY_TIMEOUT_ENV: &str = "STORE_TETHER_BUSY_TIMEOUT_MS";
const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5000;

/// One lane's state: the lane and its connection (which holds the store).
struct StoreLane {
    lane: Lane,
    conn: Conn,
}

fn busy_timeout() -> Result<Duration, StartError> {
    match env::var(BUSY_TIMEOUT_ENV) {
        Err(_) => Ok(Duration::from_millis(DEFAULT_BUSY_TIMEOUT_MS)),
        Ok(text) => text.parse().map(Duration::from_millis).map_err(|_| {
            format!(
                "{}={:?} is not a count of milliseconds",
                BUSY_TIMEOUT_ENV, text
            )
            .into()
        }),
    }
}

impl LaneState for StoreLane {
    fn start(lane: &Lane) -> Result<StoreLane, StartError> {
        let path = env::var(DB_ENV).map_err(|_| format!("{} names no database", DB_ENV))?;
        // The lanes share one store, and so one checkpointer thread; the
        // last lane to stop stops it.
        let store = Store::shared(&path, busy_timeout()?)?;
        let conn = store.connect()?;
        lane.log(LogLevel::Debug, &format!("store: connected to {}", path));
        Ok(StoreLane {
            lane: lane.clone(),
            conn,
        })
    }

    fn handle(&mut self, request: Request<'_>, reply: Reply) {
        let lane = &self.lane;
        let log = |line: &str| lane.log(LogLevel::Info, line);
        // A reply that fails found the call already ended (cancelled, past
        // its deadline, shut down): nobody is waiting for it.
        let _ = match store::handle(&mut self.conn, request.method(), request.payload(), &log) {
            Ok(result) => reply.ok(&result),
            Err(failure) => reply.error(failure.code as i32, &failure.message),
        };
    }
}

tether::export_library!(tether_store_library, StoreLane, name = "store");
