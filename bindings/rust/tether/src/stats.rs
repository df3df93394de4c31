//! Diagnostics: counters ([`Stats`], [`LaneStats`]) and the leak report.

use std::fmt;
use std::mem::MaybeUninit;
use std::os::raw::c_char;
use std::ptr;

use tether_sys as sys;

use crate::text::take_text;
use crate::{Error, Result, Runtime};

/// A snapshot of a runtime's counters (`tether_stats`, tether/stats.h). The
/// counters are read one by one, not as one atomic snapshot. New fields may
/// be added, hence `non_exhaustive`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Stats {
    /// Calls accepted.
    pub submitted: u64,
    /// Submits refused with [`Status::Busy`](crate::Status::Busy).
    pub rejected_busy: u64,
    /// Calls delivered with a reply.
    pub completed_ok: u64,
    /// ... with [`Status::Library`](crate::Status::Library).
    pub completed_library: u64,
    /// ... with [`Status::Cancelled`](crate::Status::Cancelled).
    pub completed_cancelled: u64,
    /// ... with [`Status::Deadline`](crate::Status::Deadline).
    pub completed_deadline: u64,
    /// ... with [`Status::Closed`](crate::Status::Closed).
    pub completed_closed: u64,
    /// Calls accepted whose completion was not yet handed to the host.
    pub in_flight: u64,
    /// Payload bytes of those calls.
    pub bytes_in_flight: u64,
    /// Replies that came after their call had ended.
    pub late_replies: u64,
    /// Exceptions thrown by host callbacks (this crate's never throw).
    pub callback_exceptions: u64,
    /// Lanes the runtime runs.
    pub lanes: u32,
    /// Requests waiting in lane and shared queues.
    pub queue_depth: u64,
    /// Completions waiting in completion queues, not yet polled.
    pub cq_backlog: u64,
    /// Tether buffers alive, process-wide.
    pub buffers_live: u64,
    /// Their bytes.
    pub buffer_bytes_live: u64,
    /// Submit-to-completion latency of delivered calls, from a histogram
    /// whose figures are at most 25% above the true value.
    pub latency_p50_ns: u64,
    /// As `latency_p50_ns`, the 99th percentile.
    pub latency_p99_ns: u64,
    /// As `latency_p50_ns`, the 99.9th percentile.
    pub latency_p999_ns: u64,
}

impl Stats {
    fn from_raw(raw: &sys::tether_stats) -> Stats {
        Stats {
            submitted: raw.submitted,
            rejected_busy: raw.rejected_busy,
            completed_ok: raw.completed_ok,
            completed_library: raw.completed_library,
            completed_cancelled: raw.completed_cancelled,
            completed_deadline: raw.completed_deadline,
            completed_closed: raw.completed_closed,
            in_flight: raw.in_flight,
            bytes_in_flight: raw.bytes_in_flight,
            late_replies: raw.late_replies,
            callback_exceptions: raw.callback_exceptions,
            lanes: raw.lanes,
            queue_depth: raw.queue_depth,
            cq_backlog: raw.cq_backlog,
            buffers_live: raw.buffers_live,
            buffer_bytes_live: raw.buffer_bytes_live,
            latency_p50_ns: raw.latency_p50_ns,
            latency_p99_ns: raw.latency_p99_ns,
            latency_p999_ns: raw.latency_p999_ns,
        }
    }

    /// Calls delivered, whatever their outcome.
    pub fn completed(&self) -> u64 {
        self.completed_ok
            + self.completed_library
            + self.completed_cancelled
            + self.completed_deadline
            + self.completed_closed
    }
}

/// One lane's counters (`tether_lane_stats`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LaneStats {
    /// The lane (0-based).
    pub lane: u32,
    /// Requests waiting in this lane's own queue.
    pub queue_depth: u64,
    /// Requests whose handler ran on this lane.
    pub handled: u64,
    /// Times the lane went to sleep when idle.
    pub parks: u64,
}

/// What is still alive that someone should have let go of
/// (`tether_runtime_leak_report`): the runtime's calls in flight and
/// unpolled completions, and process-wide live buffers and handles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeakReport {
    /// The sum of the report's counts: each call, completion, buffer and
    /// handle counted once. 0 when nothing is alive.
    pub findings: u64,
    /// tether's text: one line per finding ("  N ..."), lines indented
    /// further break the one above down. Empty when nothing is alive.
    pub text: String,
}

impl LeakReport {
    /// True when nothing is alive.
    pub fn is_empty(&self) -> bool {
        self.findings == 0
    }
}

impl fmt::Display for LeakReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.text.is_empty() {
            write!(f, "nothing alive")
        } else {
            f.write_str(&self.text)
        }
    }
}

impl Runtime {
    /// The runtime's counters (`tether_runtime_stats`); works after
    /// shutdown too.
    pub fn stats(&self) -> Result<Stats> {
        let mut raw = MaybeUninit::<sys::tether_stats>::zeroed();
        // SAFETY: init sets struct_size of a zeroed struct (every field a
        // valid integer); stats fills up to that size. Any thread.
        let raw = unsafe {
            sys::tether_stats_init(raw.as_mut_ptr());
            let status = sys::tether_runtime_stats(self.as_ptr(), raw.as_mut_ptr());
            Error::check(status, || "tether_runtime_stats".to_string())?;
            raw.assume_init()
        };
        Ok(Stats::from_raw(&raw))
    }

    /// One lane's counters (`tether_runtime_lane_stats`);
    /// [`Status::InvalidArg`](crate::Status::InvalidArg) for a lane out of
    /// range.
    pub fn lane_stats(&self, lane: u32) -> Result<LaneStats> {
        let mut raw = MaybeUninit::<sys::tether_lane_stats>::zeroed();
        // SAFETY: as in stats.
        let raw = unsafe {
            sys::tether_lane_stats_init(raw.as_mut_ptr());
            let status = sys::tether_runtime_lane_stats(self.as_ptr(), lane, raw.as_mut_ptr());
            Error::check(status, || {
                format!("tether_runtime_lane_stats of lane {}", lane)
            })?;
            raw.assume_init()
        };
        Ok(LaneStats {
            lane: raw.lane,
            queue_depth: raw.queue_depth,
            handled: raw.handled,
            parks: raw.parks,
        })
    }

    /// The leak report (`tether_runtime_leak_report`); works before and
    /// after shutdown.
    pub fn leak_report(&self) -> Result<LeakReport> {
        let mut text: *mut c_char = ptr::null_mut();
        let mut findings = 0u64;
        // SAFETY: both out-parameters are valid; the report is then ours
        // and freed by take_text. Any thread.
        let status =
            unsafe { sys::tether_runtime_leak_report(self.as_ptr(), &mut text, &mut findings) };
        // SAFETY: NULL or a tether buffer that is ours.
        let text = unsafe { take_text(text) };
        Error::check(status, || "tether_runtime_leak_report".to_string())?;
        Ok(LeakReport { findings, text })
    }
}
