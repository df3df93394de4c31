use std::fmt;

use tether_sys as sys;

/// The result type of every fallible function of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// A tether status other than `TETHER_OK` (tether/status.h). Values are
/// pinned by the C library; new ones may be added, hence `non_exhaustive`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// `TETHER_E_INVALID_ARG`: a NULL pointer, a bad size or a value out of range.
    InvalidArg,
    /// `TETHER_E_BUSY`: over the runtime's credits; retry later.
    Busy,
    /// `TETHER_E_CLOSED`: the runtime or completion queue is shut down.
    Closed,
    /// `TETHER_E_CANCELLED`: the call was cancelled.
    Cancelled,
    /// `TETHER_E_DEADLINE`: the call's deadline passed.
    Deadline,
    /// `TETHER_E_LIBRARY`: the library reported an error (see [`Error::library_code`]).
    Library,
    /// `TETHER_E_STALE_TICKET`: the ticket names no live call.
    StaleTicket,
    /// `TETHER_E_ALREADY_COMPLETED`: the call already has its outcome.
    AlreadyCompleted,
    /// `TETHER_E_WOULD_DEADLOCK`: the function would wait for its own thread.
    WouldDeadlock,
    /// `TETHER_E_FORKED`: the runtime was created before fork().
    Forked,
    /// `TETHER_E_NO_MEMORY`: memory could not be allocated.
    NoMemory,
    /// `TETHER_E_TOO_LARGE`: a payload or buffer over the configured maximum.
    TooLarge,
    /// `TETHER_E_LOAD`: loading a library failed.
    Load,
    /// `TETHER_E_VERSION`: a struct or ABI version this tether does not know,
    /// or a libtether of another version than the one this crate was built for.
    Version,
    /// `TETHER_E_WRONG_THREAD`: a lane-only function called from another thread.
    WrongThread,
    /// `TETHER_E_FOREIGN_BUFFER`: a pointer tether did not allocate.
    ForeignBuffer,
    /// `TETHER_E_DOUBLE_FREE`: the buffer was already freed.
    DoubleFree,
    /// `TETHER_E_INTERNAL`: an unexpected failure inside tether.
    Internal,
    /// `TETHER_E_BUFFER_CORRUPT`: a tether buffer was written out of bounds.
    BufferCorrupt,
    /// `TETHER_E_IO`: writing to a file descriptor failed (a recorder dump).
    Io,
    /// A code this crate does not know (from a newer tether), or `TETHER_OK`
    /// where an error was required.
    Unknown(i32),
}

impl Status {
    /// The status for a raw `tether_status` code.
    pub fn from_code(code: sys::tether_status) -> Status {
        match code {
            sys::TETHER_E_INVALID_ARG => Status::InvalidArg,
            sys::TETHER_E_BUSY => Status::Busy,
            sys::TETHER_E_CLOSED => Status::Closed,
            sys::TETHER_E_CANCELLED => Status::Cancelled,
            sys::TETHER_E_DEADLINE => Status::Deadline,
            sys::TETHER_E_LIBRARY => Status::Library,
            sys::TETHER_E_STALE_TICKET => Status::StaleTicket,
            sys::TETHER_E_ALREADY_COMPLETED => Status::AlreadyCompleted,
            sys::TETHER_E_WOULD_DEADLOCK => Status::WouldDeadlock,
            sys::TETHER_E_FORKED => Status::Forked,
            sys::TETHER_E_NO_MEMORY => Status::NoMemory,
            sys::TETHER_E_TOO_LARGE => Status::TooLarge,
            sys::TETHER_E_LOAD => Status::Load,
            sys::TETHER_E_VERSION => Status::Version,
            sys::TETHER_E_WRONG_THREAD => Status::WrongThread,
            sys::TETHER_E_FOREIGN_BUFFER => Status::ForeignBuffer,
            sys::TETHER_E_DOUBLE_FREE => Status::DoubleFree,
            sys::TETHER_E_INTERNAL => Status::Internal,
            sys::TETHER_E_BUFFER_CORRUPT => Status::BufferCorrupt,
            sys::TETHER_E_IO => Status::Io,
            other => Status::Unknown(other),
        }
    }

    /// The raw `tether_status` code.
    pub fn code(self) -> sys::tether_status {
        match self {
            Status::InvalidArg => sys::TETHER_E_INVALID_ARG,
            Status::Busy => sys::TETHER_E_BUSY,
            Status::Closed => sys::TETHER_E_CLOSED,
            Status::Cancelled => sys::TETHER_E_CANCELLED,
            Status::Deadline => sys::TETHER_E_DEADLINE,
            Status::Library => sys::TETHER_E_LIBRARY,
            Status::StaleTicket => sys::TETHER_E_STALE_TICKET,
            Status::AlreadyCompleted => sys::TETHER_E_ALREADY_COMPLETED,
            Status::WouldDeadlock => sys::TETHER_E_WOULD_DEADLOCK,
            Status::Forked => sys::TETHER_E_FORKED,
            Status::NoMemory => sys::TETHER_E_NO_MEMORY,
            Status::TooLarge => sys::TETHER_E_TOO_LARGE,
            Status::Load => sys::TETHER_E_LOAD,
            Status::Version => sys::TETHER_E_VERSION,
            Status::WrongThread => sys::TETHER_E_WRONG_THREAD,
            Status::ForeignBuffer => sys::TETHER_E_FOREIGN_BUFFER,
            Status::DoubleFree => sys::TETHER_E_DOUBLE_FREE,
            Status::Internal => sys::TETHER_E_INTERNAL,
            Status::BufferCorrupt => sys::TETHER_E_BUFFER_CORRUPT,
            Status::Io => sys::TETHER_E_IO,
            Status::Unknown(code) => code,
        }
    }

    /// The C name of the status ("TETHER_E_BUSY"); "TETHER_E_UNKNOWN" for
    /// [`Status::Unknown`].
    pub fn name(self) -> &'static str {
        match self {
            Status::InvalidArg => "TETHER_E_INVALID_ARG",
            Status::Busy => "TETHER_E_BUSY",
            Status::Closed => "TETHER_E_CLOSED",
            Status::Cancelled => "TETHER_E_CANCELLED",
            Status::Deadline => "TETHER_E_DEADLINE",
            Status::Library => "TETHER_E_LIBRARY",
            Status::StaleTicket => "TETHER_E_STALE_TICKET",
            Status::AlreadyCompleted => "TETHER_E_ALREADY_COMPLETED",
            Status::WouldDeadlock => "TETHER_E_WOULD_DEADLOCK",
            Status::Forked => "TETHER_E_FORKED",
            Status::NoMemory => "TETHER_E_NO_MEMORY",
            Status::TooLarge => "TETHER_E_TOO_LARGE",
            Status::Load => "TETHER_E_LOAD",
            Status::Version => "TETHER_E_VERSION",
            Status::WrongThread => "TETHER_E_WRONG_THREAD",
            Status::ForeignBuffer => "TETHER_E_FOREIGN_BUFFER",
            Status::DoubleFree => "TETHER_E_DOUBLE_FREE",
            Status::Internal => "TETHER_E_INTERNAL",
            Status::BufferCorrupt => "TETHER_E_BUFFER_CORRUPT",
            Status::Io => "TETHER_E_IO",
            Status::Unknown(_) => "TETHER_E_UNKNOWN",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Unknown(code) => write!(f, "TETHER_E_UNKNOWN({})", code),
            other => f.write_str(other.name()),
        }
    }
}

/// A failure: the [`Status`] tether returned and a message saying what
/// failed (tether's own error text where it gives one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    status: Status,
    message: String,
    library_code: i32,
}

impl Error {
    /// An error with `status` and `message`.
    pub fn new(status: Status, message: impl Into<String>) -> Error {
        Error {
            status,
            message: message.into(),
            library_code: 0,
        }
    }

    pub(crate) fn with_library_code(mut self, code: i32) -> Error {
        self.library_code = code;
        self
    }

    /// The status.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The message, without the status name.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The library's own error code for [`Status::Library`] (0 otherwise).
    pub fn library_code(&self) -> i32 {
        self.library_code
    }

    /// `Ok(())` for `TETHER_OK`, else an error with `what` as its message.
    pub(crate) fn check(code: sys::tether_status, what: impl FnOnce() -> String) -> Result<()> {
        if code == sys::TETHER_OK {
            Ok(())
        } else {
            Err(Error::new(Status::from_code(code), what()))
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.status)
        } else {
            write!(f, "{}: {}", self.status, self.message)
        }
    }
}

impl std::error::Error for Error {}
