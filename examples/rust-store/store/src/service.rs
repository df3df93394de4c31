//! One request in, one result out: what both front ends run for every call.

use crate::db::{self, Conn};
use crate::session;
use crate::wire::{self, Code, Failure, Request, Stats};

/// Decodes `payload` as `method`, runs it on `conn` within this thread's
/// session, and encodes the result (see [`wire`]). `log` receives the line
/// written when this thread's session is built.
pub fn handle(
    conn: &mut Conn,
    method: u32,
    payload: &[u8],
    log: &dyn Fn(&str),
) -> Result<Vec<u8>, Failure> {
    let request = Request::decode(method, payload)?;
    session::with(log, |session| {
        session.ops += 1;
        run(conn, &request, session)
    })
}

fn run(
    conn: &mut Conn,
    request: &Request<'_>,
    session: &session::Session,
) -> Result<Vec<u8>, Failure> {
    match *request {
        Request::Put { key, value } => conn.put(key, value).map(|()| Vec::new()),
        Request::Get { key } => conn.get(key)?.ok_or_else(|| {
            Failure::new(
                Code::NotFound,
                format!("no key {:?}", String::from_utf8_lossy(key)),
            )
        }),
        Request::Delete { key } => conn.delete(key).map(|removed| vec![u8::from(removed)]),
        Request::Scan { from, to, limit } => conn
            .scan(from, to, limit)
            .map(|rows| wire::encode_rows(&rows)),
        Request::Slow { millis } => conn.slow(millis).map(|()| Vec::new()),
        Request::Stats => Ok(Stats {
            sessions_created: session::sessions_created(),
            busy_answers: db::busy_answers(),
            session_ops: session.ops,
            session_id: session.id,
        }
        .encode()),
    }
}
