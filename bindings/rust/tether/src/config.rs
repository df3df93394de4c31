//! Runtime settings: [`Config`] over `tether_runtime_config`.

use std::mem::MaybeUninit;

use tether_sys as sys;

/// Where a library's reply runs the completion callback, and so where a
/// [`Call`](crate::Call)'s waker is woken (`tether_runtime_config.deliver`).
/// Cancel, deadline and shutdown completions always run on tether's
/// delivery thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Deliver {
    /// On the lane that replied: the lowest latency (the default).
    OnLane,
    /// On tether's delivery thread: a slow waker never stalls the library.
    OnThread,
}

/// Runtime settings (`tether_runtime_config`), starting from the defaults
/// of `tether_runtime_config_init`. Setters take and return the config, as
/// a builder:
///
/// ```
/// let config = tether::Config::new().lanes(4).max_payload_bytes(1 << 20);
/// assert_eq!(config.get_lanes(), 4);
/// ```
///
/// Values are checked by tether when the runtime opens
/// ([`Status::InvalidArg`](crate::Status::InvalidArg) when out of range).
#[derive(Debug, Clone)]
pub struct Config {
    raw: sys::tether_runtime_config,
}

// SAFETY: the raw config's pointers, library_data and capture_dir, are
// never set by this crate (they stay NULL); the rest are plain numbers.
unsafe impl Send for Config {}
// SAFETY: as for Send.
unsafe impl Sync for Config {}

impl Config {
    /// The defaults (`tether_runtime_config_init`): one lane, 16384 calls and
    /// 256 MiB in flight, 64 MiB payloads.
    pub fn new() -> Config {
        let mut raw = MaybeUninit::<sys::tether_runtime_config>::zeroed();
        // SAFETY: init fills every field of the struct it is handed; any
        // thread. All-zero bytes are a valid value of the struct besides.
        let raw = unsafe {
            sys::tether_runtime_config_init(raw.as_mut_ptr());
            raw.assume_init()
        };
        Config { raw }
    }

    /// Number of lanes (threads running the library), 1 to 256.
    pub fn lanes(mut self, lanes: u32) -> Config {
        self.raw.lanes = lanes;
        self
    }

    /// At most this many calls in flight, 1 to 2^20.
    pub fn max_calls_in_flight(mut self, calls: u32) -> Config {
        self.raw.max_calls_in_flight = calls;
        self
    }

    /// At most this many payload bytes in flight.
    pub fn max_bytes_in_flight(mut self, bytes: u64) -> Config {
        self.raw.max_bytes_in_flight = bytes;
        self
    }

    /// Largest single payload; a call with a larger one fails with
    /// [`Status::TooLarge`](crate::Status::TooLarge).
    pub fn max_payload_bytes(mut self, bytes: u64) -> Config {
        self.raw.max_payload_bytes = bytes;
        self
    }

    /// Where completions are delivered (default [`Deliver::OnLane`]).
    pub fn deliver(mut self, deliver: Deliver) -> Config {
        self.raw.deliver = match deliver {
            Deliver::OnLane => sys::TETHER_DELIVER_ON_LANE,
            Deliver::OnThread => sys::TETHER_DELIVER_ON_THREAD,
        };
        self
    }

    /// Records each lane keeps of the calls it took (the boundary
    /// recorder, [`Runtime::dump_recording`](crate::Runtime::dump_recording)),
    /// rounded up to a power of two, at most 65536 (256 is a good start);
    /// 0, the default, leaves it off. `TETHER_RECORDER=off|on|capture`
    /// overrides it at open.
    pub fn recorder_entries(mut self, entries: u32) -> Config {
        self.raw.recorder_entries = entries;
        self
    }

    /// Bytes of payloads each lane keeps for replay (0, the default,
    /// captures none), and the largest payload kept. The crash file's
    /// directory is set by `TETHER_CAPTURE_DIR`.
    pub fn capture(mut self, bytes_per_lane: u64, max_payload: u32) -> Config {
        self.raw.capture_bytes = bytes_per_lane;
        self.raw.capture_max_payload = max_payload;
        self
    }

    /// The number of lanes set.
    pub fn get_lanes(&self) -> u32 {
        self.raw.lanes
    }

    /// The calls-in-flight limit set.
    pub fn get_max_calls_in_flight(&self) -> u32 {
        self.raw.max_calls_in_flight
    }

    /// The bytes-in-flight limit set.
    pub fn get_max_bytes_in_flight(&self) -> u64 {
        self.raw.max_bytes_in_flight
    }

    /// The payload limit set.
    pub fn get_max_payload_bytes(&self) -> u64 {
        self.raw.max_payload_bytes
    }

    /// Where completions are delivered.
    pub fn get_deliver(&self) -> Deliver {
        if self.raw.deliver == sys::TETHER_DELIVER_ON_THREAD {
            Deliver::OnThread
        } else {
            Deliver::OnLane
        }
    }

    pub(crate) fn raw(&self) -> &sys::tether_runtime_config {
        &self.raw
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::new()
    }
}
