//! Lane states whose start or stop fails: how tether reports each.

use tether::library::{Lane, LaneState, Reply, Request, StartError};

/// Every lane's start returns an error.
pub struct StartFails;

impl LaneState for StartFails {
    fn start(lane: &Lane) -> Result<StartFails, StartError> {
        Err(format!("testlib: lane {} refuses to start", lane.index()).into())
    }

    fn handle(&mut self, _request: Request<'_>, reply: Reply) {
        let _ = reply.error(1, "a lane that never started cannot handle");
    }
}

/// Every lane's start panics.
pub struct StartPanics;

impl LaneState for StartPanics {
    fn start(lane: &Lane) -> Result<StartPanics, StartError> {
        panic!("testlib: lane {} panicked in start", lane.index());
    }

    fn handle(&mut self, _request: Request<'_>, reply: Reply) {
        let _ = reply.error(1, "a lane that never started cannot handle");
    }
}

/// Echoes; panics as each lane stops (when the state is dropped).
pub struct StopPanics {
    index: u32,
}

impl LaneState for StopPanics {
    fn start(lane: &Lane) -> Result<StopPanics, StartError> {
        Ok(StopPanics {
            index: lane.index(),
        })
    }

    fn handle(&mut self, request: Request<'_>, reply: Reply) {
        let _ = reply.ok(request.payload());
    }
}

impl Drop for StopPanics {
    fn drop(&mut self) {
        panic!("testlib: lane {} panicked in stop", self.index);
    }
}
