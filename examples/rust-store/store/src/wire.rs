//! The wire format both front ends speak: one method id, one payload in,
//! one result (or an error code and message) out.
//!
//! Integers are little-endian. `bytes` is a u32 length followed by that many
//! bytes. A payload must be consumed exactly: a short payload, a length
//! running past its end, or bytes left over are [`Code::BadPayload`].
//!
//! | method     | payload                                  | result                                       |
//! | ---------- | ---------------------------------------- | -------------------------------------------- |
//! | `PUT` 1    | bytes key, bytes value                   | empty                                        |
//! | `GET` 2    | bytes key                                | the value (no length prefix: the result's own length is it) |
//! | `DELETE` 3 | bytes key                                | u8: 1 removed, 0 absent                      |
//! | `SCAN` 4   | bytes from (inclusive), bytes to (exclusive; empty: no end), u32 limit | u32 count, then count × (bytes key, bytes value), in key order |
//! | `SLOW` 5   | u32 milliseconds                         | empty, after a write transaction held that long |
//! | `STATS` 6  | empty                                    | [`STATS_SIZE`] bytes: u64 sessions created (process-wide), u64 `SQLITE_BUSY` answers (process-wide), u64 operations this thread's session ran (this one included), u32 this session's id, u32 zero |
//!
//! Errors carry one of the [`Code`] values and a message.

use std::fmt;

/// Method ids.
pub const PUT: u32 = 1;
pub const GET: u32 = 2;
pub const DELETE: u32 = 3;
pub const SCAN: u32 = 4;
pub const SLOW: u32 = 5;
pub const STATS: u32 = 6;

/// Size of a `STATS` result.
pub const STATS_SIZE: usize = 32;
/// Longest `SLOW` transaction accepted, in milliseconds.
pub const SLOW_MAX_MS: u32 = 10_000;
/// Largest `SCAN` limit accepted.
pub const SCAN_MAX: u32 = 10_000;

/// Error codes (a tether host sees them as the library code of
/// `TETHER_E_LIBRARY`; the shim returns them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum Code {
    /// `GET` of an absent key.
    NotFound = 1,
    /// The payload does not follow the wire format.
    BadPayload = 2,
    /// A method id not listed above.
    UnknownMethod = 3,
    /// SQLite answered `SQLITE_BUSY` (or `SQLITE_LOCKED`) after the busy
    /// timeout: another connection held the write lock too long.
    Busy = 4,
    /// Any other SQLite failure.
    Sqlite = 5,
    /// A `SLOW` duration or `SCAN` limit over its maximum.
    OutOfRange = 6,
}

impl Code {
    /// The code for a raw value, if it is one.
    pub fn from_i32(code: i32) -> Option<Code> {
        Some(match code {
            1 => Code::NotFound,
            2 => Code::BadPayload,
            3 => Code::UnknownMethod,
            4 => Code::Busy,
            5 => Code::Sqlite,
            6 => Code::OutOfRange,
            _ => return None,
        })
    }
}

/// A failed operation: a code and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: Code,
    pub message: String,
}

impl Failure {
    pub fn new(code: Code, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl std::error::Error for Failure {}

/// A decoded request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request<'a> {
    Put {
        key: &'a [u8],
        value: &'a [u8],
    },
    Get {
        key: &'a [u8],
    },
    Delete {
        key: &'a [u8],
    },
    Scan {
        from: &'a [u8],
        to: Option<&'a [u8]>,
        limit: u32,
    },
    Slow {
        millis: u32,
    },
    Stats,
}

impl<'a> Request<'a> {
    /// Decodes `payload` as a request of `method`.
    pub fn decode(method: u32, payload: &'a [u8]) -> Result<Request<'a>, Failure> {
        let mut r = Reader::new(payload);
        let request = match method {
            PUT => Request::Put {
                key: r.bytes()?,
                value: r.bytes()?,
            },
            GET => Request::Get { key: r.bytes()? },
            DELETE => Request::Delete { key: r.bytes()? },
            SCAN => {
                let from = r.bytes()?;
                let to = r.bytes()?;
                let limit = r.u32()?;
                if limit > SCAN_MAX {
                    return Err(Failure::new(
                        Code::OutOfRange,
                        format!("SCAN limit {} is over {}", limit, SCAN_MAX),
                    ));
                }
                Request::Scan {
                    from,
                    to: if to.is_empty() { None } else { Some(to) },
                    limit,
                }
            }
            SLOW => {
                let millis = r.u32()?;
                if millis > SLOW_MAX_MS {
                    return Err(Failure::new(
                        Code::OutOfRange,
                        format!("SLOW of {} ms is over {} ms", millis, SLOW_MAX_MS),
                    ));
                }
                Request::Slow { millis }
            }
            STATS => Request::Stats,
            other => {
                return Err(Failure::new(
                    Code::UnknownMethod,
                    format!("unknown method {}", other),
                ))
            }
        };
        r.finish()?;
        Ok(request)
    }

    /// Encodes the request as its method id and payload.
    pub fn encode(&self) -> (u32, Vec<u8>) {
        let mut out = Vec::new();
        let method = match *self {
            Request::Put { key, value } => {
                put_bytes(&mut out, key);
                put_bytes(&mut out, value);
                PUT
            }
            Request::Get { key } => {
                put_bytes(&mut out, key);
                GET
            }
            Request::Delete { key } => {
                put_bytes(&mut out, key);
                DELETE
            }
            Request::Scan { from, to, limit } => {
                put_bytes(&mut out, from);
                put_bytes(&mut out, to.unwrap_or(&[]));
                out.extend_from_slice(&limit.to_le_bytes());
                SCAN
            }
            Request::Slow { millis } => {
                out.extend_from_slice(&millis.to_le_bytes());
                SLOW
            }
            Request::Stats => STATS,
        };
        (method, out)
    }
}

/// A decoded `STATS` result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub sessions_created: u64,
    pub busy_answers: u64,
    pub session_ops: u64,
    pub session_id: u32,
}

impl Stats {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(STATS_SIZE);
        out.extend_from_slice(&self.sessions_created.to_le_bytes());
        out.extend_from_slice(&self.busy_answers.to_le_bytes());
        out.extend_from_slice(&self.session_ops.to_le_bytes());
        out.extend_from_slice(&self.session_id.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out
    }

    pub fn decode(result: &[u8]) -> Result<Stats, Failure> {
        if result.len() != STATS_SIZE {
            return Err(Failure::new(
                Code::BadPayload,
                format!("STATS result is {} bytes, not {}", result.len(), STATS_SIZE),
            ));
        }
        let mut r = Reader::new(result);
        let stats = Stats {
            sessions_created: r.u64()?,
            busy_answers: r.u64()?,
            session_ops: r.u64()?,
            session_id: r.u32()?,
        };
        r.u32()?;
        Ok(stats)
    }
}

/// One `SCAN` row: a key and its value.
pub type Row = (Vec<u8>, Vec<u8>);

/// Encodes `SCAN` rows.
pub fn encode_rows(rows: &[Row]) -> Vec<u8> {
    let size: usize = rows.iter().map(|(k, v)| 8 + k.len() + v.len()).sum();
    let mut out = Vec::with_capacity(4 + size);
    out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    for (key, value) in rows {
        put_bytes(&mut out, key);
        put_bytes(&mut out, value);
    }
    out
}

/// Decodes a `SCAN` result.
pub fn decode_rows(result: &[u8]) -> Result<Vec<Row>, Failure> {
    let mut r = Reader::new(result);
    let count = r.u32()?;
    let mut rows = Vec::new();
    for _ in 0..count {
        let key = r.bytes()?.to_vec();
        let value = r.bytes()?.to_vec();
        rows.push((key, value));
    }
    r.finish()?;
    Ok(rows)
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).expect("a wire field is under 4 GiB");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Reads fields off a payload, failing with [`Code::BadPayload`].
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Failure> {
        if self.rest.len() < n {
            return Err(Failure::new(
                Code::BadPayload,
                format!("{} needs {} bytes, {} left", what, n, self.rest.len()),
            ));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, Failure> {
        let b = self.take(4, "a u32")?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, Failure> {
        let b = self.take(8, "a u64")?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    fn bytes(&mut self) -> Result<&'a [u8], Failure> {
        let len = self.u32()? as usize;
        self.take(len, "a length-prefixed field")
    }

    fn finish(&self) -> Result<(), Failure> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(Failure::new(
                Code::BadPayload,
                format!("{} bytes left over after the payload", self.rest.len()),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_decodes_to_itself() {
        let requests = [
            Request::Put {
                key: b"k",
                value: b"value",
            },
            Request::Get { key: b"" },
            Request::Delete { key: b"gone" },
            Request::Scan {
                from: b"a",
                to: Some(b"b"),
                limit: 7,
            },
            Request::Scan {
                from: b"",
                to: None,
                limit: 0,
            },
            Request::Slow { millis: 3 },
            Request::Stats,
        ];
        for request in &requests {
            let (method, payload) = request.encode();
            assert_eq!(&Request::decode(method, &payload).unwrap(), request);
        }
    }

    #[test]
    fn a_short_payload_is_bad() {
        let (method, payload) = Request::Put {
            key: b"key",
            value: b"value",
        }
        .encode();
        for len in 0..payload.len() {
            let failure = Request::decode(method, &payload[..len]).unwrap_err();
            assert_eq!(failure.code, Code::BadPayload, "length {}", len);
        }
    }

    #[test]
    fn bytes_left_over_are_bad() {
        let (method, mut payload) = Request::Get { key: b"key" }.encode();
        payload.push(0);
        assert_eq!(
            Request::decode(method, &payload).unwrap_err().code,
            Code::BadPayload
        );
        assert_eq!(
            Request::decode(STATS, &[0]).unwrap_err().code,
            Code::BadPayload
        );
    }

    #[test]
    fn a_length_past_the_end_is_bad() {
        let payload = 1000u32.to_le_bytes();
        assert_eq!(
            Request::decode(GET, &payload).unwrap_err().code,
            Code::BadPayload
        );
    }

    #[test]
    fn unknown_methods_and_out_of_range_values_are_refused() {
        assert_eq!(
            Request::decode(0, &[]).unwrap_err().code,
            Code::UnknownMethod
        );
        assert_eq!(
            Request::decode(99, &[]).unwrap_err().code,
            Code::UnknownMethod
        );
        let (method, payload) = Request::Slow {
            millis: SLOW_MAX_MS + 1,
        }
        .encode();
        assert_eq!(
            Request::decode(method, &payload).unwrap_err().code,
            Code::OutOfRange
        );
        let (method, payload) = Request::Scan {
            from: b"",
            to: None,
            limit: SCAN_MAX + 1,
        }
        .encode();
        assert_eq!(
            Request::decode(method, &payload).unwrap_err().code,
            Code::OutOfRange
        );
    }

    #[test]
    fn rows_and_stats_round_trip() {
        let rows = vec![(b"a".to_vec(), b"1".to_vec()), (b"bb".to_vec(), Vec::new())];
        assert_eq!(decode_rows(&encode_rows(&rows)).unwrap(), rows);
        assert_eq!(decode_rows(&encode_rows(&[])).unwrap(), Vec::new());
        let stats = Stats {
            sessions_created: 3,
            busy_answers: 4,
            session_ops: 5,
            session_id: 6,
        };
        assert_eq!(Stats::decode(&stats.encode()).unwrap(), stats);
        assert_eq!(Stats::decode(&[0; 31]).unwrap_err().code, Code::BadPayload);
    }
}
