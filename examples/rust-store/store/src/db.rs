//! The SQLite database: [`Store`] names it and its settings (any thread),
//! [`Conn`] is one connection (one thread at a time: a lane's, or one OS
//! thread's).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, OptionalExtension};

use crate::wire::{Code, Failure};

/// `SQLITE_BUSY` and `SQLITE_LOCKED` answers, process-wide.
static BUSY_ANSWERS: AtomicU64 = AtomicU64::new(0);

/// How many times SQLite answered busy (or locked) after its busy timeout,
/// in this process.
pub fn busy_answers() -> u64 {
    BUSY_ANSWERS.load(Ordering::Relaxed)
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) \
                      WITHOUT ROWID;
                      CREATE TABLE IF NOT EXISTS slow (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);";

/// A database file and how to connect to it. Cheap to clone; any thread.
#[derive(Debug, Clone)]
pub struct Store {
    path: PathBuf,
    busy_timeout: Duration,
}

impl Store {
    /// Opens (creating it if needed) the database at `path`, in WAL mode
    /// with its tables. `busy_timeout` is how long a connection waits for
    /// another's write lock before answering [`Code::Busy`].
    pub fn open(path: impl AsRef<Path>, busy_timeout: Duration) -> Result<Store, Failure> {
        let store = Store {
            path: path.as_ref().to_path_buf(),
            busy_timeout,
        };
        let conn = store.connect()?;
        conn.conn.execute_batch(SCHEMA).map_err(failure)?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A new connection: WAL journal, `synchronous=NORMAL` (a commit is
    /// durable once the WAL is checkpointed, not fsynced per commit), and
    /// the store's busy timeout.
    pub fn connect(&self) -> Result<Conn, Failure> {
        let conn = Connection::open(&self.path).map_err(failure)?;
        conn.busy_timeout(self.busy_timeout).map_err(failure)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))
            .map_err(failure)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Failure::new(
                Code::Sqlite,
                format!("{}: journal mode is {}, not wal", self.path.display(), mode),
            ));
        }
        conn.execute_batch("PRAGMA synchronous=NORMAL")
            .map_err(failure)?;
        Ok(Conn { conn })
    }
}

/// One SQLite connection. `Send` but not `Sync`: one thread at a time.
pub struct Conn {
    conn: Connection,
}

impl Conn {
    /// Stores `value` under `key`, in a transaction of its own.
    pub fn put(&mut self, key: &[u8], value: &[u8]) -> Result<(), Failure> {
        self.conn
            .prepare_cached("INSERT OR REPLACE INTO kv (k, v) VALUES (?1, ?2)")
            .and_then(|mut statement| statement.execute(params![key, value]))
            .map(|_| ())
            .map_err(failure)
    }

    /// The value under `key`, if any.
    pub fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, Failure> {
        self.conn
            .prepare_cached("SELECT v FROM kv WHERE k = ?1")
            .and_then(|mut statement| statement.query_row([key], |row| row.get(0)).optional())
            .map_err(failure)
    }

    /// Removes `key`; true if it was there.
    pub fn delete(&mut self, key: &[u8]) -> Result<bool, Failure> {
        self.conn
            .prepare_cached("DELETE FROM kv WHERE k = ?1")
            .and_then(|mut statement| statement.execute([key]))
            .map(|removed| removed > 0)
            .map_err(failure)
    }

    /// Up to `limit` entries with `from <= key < to` (no upper bound when
    /// `to` is None), in key order (bytewise).
    pub fn scan(
        &mut self,
        from: &[u8],
        to: Option<&[u8]>,
        limit: u32,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, Failure> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT k, v FROM kv WHERE k >= ?1 AND (?2 IS NULL OR k < ?2) ORDER BY k LIMIT ?3",
            )
            .map_err(failure)?;
        let rows = statement
            .query_map(params![from, to, limit], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .map_err(failure)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(failure)
    }

    /// A write transaction that holds the database's write lock for
    /// `millis` ms: it bumps a counter row, sleeps, then commits. Other
    /// connections' writes wait (up to their busy timeout) meanwhile.
    pub fn slow(&mut self, millis: u32) -> Result<(), Failure> {
        let transaction = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(failure)?;
        transaction
            .execute(
                "INSERT INTO slow (id, n) VALUES (1, 1) ON CONFLICT(id) DO UPDATE SET n = n + 1",
                [],
            )
            .map_err(failure)?;
        thread::sleep(Duration::from_millis(u64::from(millis)));
        transaction.commit().map_err(failure)
    }
}

/// Maps a SQLite error onto a code, counting busy answers.
fn failure(err: rusqlite::Error) -> Failure {
    let code = match err.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            BUSY_ANSWERS.fetch_add(1, Ordering::Relaxed);
            Code::Busy
        }
        _ => Code::Sqlite,
    };
    Failure::new(code, err.to_string())
}
