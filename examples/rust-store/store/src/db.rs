//! The SQLite database: [`Store`] names it and its settings and owns its
//! checkpointer (any thread), [`Conn`] is one connection (one thread at a
//! time: a lane's, or one OS thread's).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::thread;
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, OptionalExtension};

use crate::checkpoint::Checkpointer;
use crate::wire::{Code, Failure, Row};

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

/// A database file, how to connect to it, and its checkpointer thread
/// (see [`checkpoint`](crate::checkpoint)). Cheap to clone (clones share
/// one checkpointer, stopped when the last clone and the last [`Conn`] are
/// dropped); any thread.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    busy_timeout: Duration,
    checkpointer: Checkpointer,
}

impl Store {
    /// Opens (creating it if needed) the database at `path`, in WAL mode
    /// with its tables, and starts its checkpointer. `busy_timeout` is how
    /// long a connection waits for another's write lock before answering
    /// [`Code::Busy`].
    pub fn open(path: impl AsRef<Path>, busy_timeout: Duration) -> Result<Store, Failure> {
        let path = path.as_ref().to_path_buf();
        let conn = connect(&path, busy_timeout)?;
        conn.execute_batch(SCHEMA).map_err(failure)?;
        let checkpointer = Checkpointer::start(path.clone(), busy_timeout).map_err(|err| {
            Failure::new(Code::Sqlite, format!("starting the checkpointer: {}", err))
        })?;
        Ok(Store {
            inner: Arc::new(Inner {
                path,
                busy_timeout,
                checkpointer,
            }),
        })
    }

    /// The store of this process already open on `path` (opened by
    /// [`shared`](Store::shared) and still held somewhere), or a new one:
    /// so the lanes of a runtime share one checkpointer, and the last to
    /// let go stops it. `busy_timeout` applies to a new store only.
    pub fn shared(path: impl AsRef<Path>, busy_timeout: Duration) -> Result<Store, Failure> {
        static OPEN: Mutex<Vec<(PathBuf, Weak<Inner>)>> = Mutex::new(Vec::new());
        let path = path.as_ref();
        let mut open = OPEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        open.retain(|(_, store)| store.strong_count() > 0);
        if let Some(inner) = open
            .iter()
            .find(|(open_path, _)| open_path == path)
            .and_then(|(_, store)| store.upgrade())
        {
            return Ok(Store { inner });
        }
        let store = Store::open(path, busy_timeout)?;
        open.push((path.to_path_buf(), Arc::downgrade(&store.inner)));
        Ok(store)
    }

    /// Whether `a` and `b` are handles on one store (one checkpointer).
    pub fn ptr_eq(a: &Store, b: &Store) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// A new connection: WAL journal, `synchronous=NORMAL` (a commit is
    /// durable once the WAL is checkpointed, not fsynced per commit), the
    /// store's busy timeout, and checkpoints of its own only past
    /// [`WAL_LIMIT_FRAMES`](crate::checkpoint::WAL_LIMIT_FRAMES) (the
    /// checkpointer runs the others).
    pub fn connect(&self) -> Result<Conn, Failure> {
        let conn = connect(&self.inner.path, self.inner.busy_timeout)?;
        conn.execute_batch(&format!(
            "PRAGMA wal_autocheckpoint={}",
            crate::checkpoint::WAL_LIMIT_FRAMES
        ))
        .map_err(failure)?;
        Ok(Conn {
            conn,
            store: self.inner.clone(),
        })
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .field("busy_timeout", &self.inner.busy_timeout)
            .finish()
    }
}

/// A connection in WAL mode with `synchronous=NORMAL` and the busy timeout.
fn connect(path: &Path, busy_timeout: Duration) -> Result<Connection, Failure> {
    let conn = Connection::open(path).map_err(failure)?;
    conn.busy_timeout(busy_timeout).map_err(failure)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))
        .map_err(failure)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Failure::new(
            Code::Sqlite,
            format!("{}: journal mode is {}, not wal", path.display(), mode),
        ));
    }
    conn.execute_batch("PRAGMA synchronous=NORMAL")
        .map_err(failure)?;
    Ok(conn)
}

/// One SQLite connection. `Send` but not `Sync`: one thread at a time.
pub struct Conn {
    conn: Connection,
    store: Arc<Inner>,
}

impl Conn {
    /// The store this connection belongs to (it keeps it open).
    pub fn store(&self) -> Store {
        Store {
            inner: self.store.clone(),
        }
    }

    /// Stores `value` under `key`, in a transaction of its own.
    pub fn put(&mut self, key: &[u8], value: &[u8]) -> Result<(), Failure> {
        self.conn
            .prepare_cached("INSERT OR REPLACE INTO kv (k, v) VALUES (?1, ?2)")
            .and_then(|mut statement| statement.execute(params![key, value]))
            .map(|_| self.store.checkpointer.wrote())
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
            .map(|removed| {
                self.store.checkpointer.wrote();
                removed > 0
            })
            .map_err(failure)
    }

    /// Up to `limit` entries with `from <= key < to` (no upper bound when
    /// `to` is None), in key order (bytewise).
    pub fn scan(
        &mut self,
        from: &[u8],
        to: Option<&[u8]>,
        limit: u32,
    ) -> Result<Vec<Row>, Failure> {
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
        transaction.commit().map_err(failure)?;
        self.store.checkpointer.wrote();
        Ok(())
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
