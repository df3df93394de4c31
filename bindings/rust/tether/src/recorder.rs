//! The boundary recorder: the last calls each lane took, as JSON lines
//! (`tether/recorder.h`; the format is docs/recorder.md).

use std::os::unix::io::AsRawFd;

use tether_sys as sys;

use crate::error::{Error, Result};
use crate::runtime::Runtime;

impl Runtime {
    /// Writes the runtime's recording to `out` (`tether_recorder_dump`):
    /// a header line, then one line per record each lane still holds; with
    /// `payloads`, the captured payload bytes too. Works after shutdown.
    /// [`Status::Io`](crate::Status::Io) when a write fails.
    ///
    /// ```no_run
    /// # fn f(runtime: &tether::Runtime) -> tether::Result<()> {
    /// let file = std::fs::File::create("recording.jsonl").unwrap();
    /// runtime.dump_recording(&file, true)?;
    /// # Ok(()) }
    /// ```
    pub fn dump_recording(&self, out: &impl AsRawFd, payloads: bool) -> Result<()> {
        let flags = if payloads {
            sys::TETHER_RECORDER_PAYLOADS
        } else {
            0
        };
        // SAFETY: the descriptor is borrowed for the call, which only
        // writes to it; any thread.
        let status = unsafe { sys::tether_recorder_dump(self.as_ptr(), out.as_raw_fd(), flags) };
        Error::check(status, || "tether_recorder_dump".to_string())
    }
}
