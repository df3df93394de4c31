//! [`Request`]: one call as the library's handler sees it.

use std::marker::PhantomData;

use tether_sys as sys;

use super::lane::LaneContext;
use crate::Key;

/// One request, borrowed for the duration of
/// [`LaneState::handle`](super::LaneState::handle): its method, key,
/// payload and lane. To use the payload after the handler returns (for a
/// reply from a timer, say), copy it. Lane only: neither `Send` nor `Sync`.
///
/// ```compile_fail
/// fn read_elsewhere(request: tether::library::Request<'static>) {
///     std::thread::spawn(move || request.payload().len());
/// }
/// ```
pub struct Request<'a> {
    raw: &'a sys::tether_request,
    lane: &'a LaneContext,
    _lane_only: PhantomData<*const ()>,
}

impl<'a> Request<'a> {
    pub(crate) fn new(raw: &'a sys::tether_request, lane: &'a LaneContext) -> Request<'a> {
        Request {
            raw,
            lane,
            _lane_only: PhantomData,
        }
    }

    /// The request's id: the host's ticket for the call.
    pub fn id(&self) -> u64 {
        self.raw.id
    }

    /// The method the host called.
    pub fn method(&self) -> u32 {
        self.raw.method
    }

    /// The call's affinity key: calls with the same key run on the same
    /// lane.
    pub fn key(&self) -> Key {
        if self.raw.key == sys::TETHER_KEY_ANY {
            Key::Any
        } else {
            Key::Of(self.raw.key)
        }
    }

    /// The index of the lane running the request.
    pub fn lane_index(&self) -> u32 {
        self.raw.lane_index
    }

    /// The payload the host sent (tether's copy of it).
    pub fn payload(&self) -> &'a [u8] {
        if self.raw.payload.is_null() || self.raw.payload_len == 0 {
            &[]
        } else {
            // SAFETY: tether keeps payload_len bytes at payload alive until
            // the library replies, and at least for the handler's duration,
            // which 'a does not outlive.
            unsafe {
                std::slice::from_raw_parts(self.raw.payload as *const u8, self.raw.payload_len)
            }
        }
    }

    /// True once the call has ended (cancelled, past its deadline, shut
    /// down): the handler may stop early. It must still reply (or drop its
    /// [`Reply`](super::Reply)); tether absorbs the late reply.
    pub fn is_cancelled(&self) -> bool {
        is_cancelled(self.lane, self.raw.id)
    }
}

/// `is_cancelled` on the lane; true once the lane has stopped.
pub(crate) fn is_cancelled(lane: &LaneContext, request: u64) -> bool {
    if !lane.is_open() {
        return true;
    }
    // SAFETY: on the lane running the request (a LaneContext never leaves
    // its lane), while the lane runs.
    unsafe { (lane.host.fns.is_cancelled)(request) != 0 }
}

impl std::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("id", &self.raw.id)
            .field("method", &self.raw.method)
            .field("key", &self.key())
            .field("lane_index", &self.raw.lane_index)
            .field("payload_len", &self.raw.payload_len)
            .finish()
    }
}
