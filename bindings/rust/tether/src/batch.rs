//! Batched submits (`tether_submit_batch`): many calls in one crossing.

use std::sync::Arc;

use tether_sys as sys;

use crate::call::raw_call;
use crate::slot::{self, Slot};
use crate::{Call, CallOptions, Error, Key, Result, Runtime, Status};

/// One call of a batch: as the arguments of [`Runtime::call_with`].
#[derive(Debug, Clone, Copy)]
pub struct BatchCall<'p> {
    /// Library-defined method id.
    pub method: u32,
    /// Affinity key.
    pub key: Key,
    /// Payload bytes, copied before the submit returns.
    pub payload: &'p [u8],
    /// Deadline.
    pub options: CallOptions,
}

impl<'p> BatchCall<'p> {
    /// A call with no deadline.
    pub fn new(method: u32, key: Key, payload: &'p [u8]) -> BatchCall<'p> {
        BatchCall {
            method,
            key,
            payload,
            options: CallOptions::new(),
        }
    }

    /// The same call with `options`.
    pub fn with(mut self, options: CallOptions) -> BatchCall<'p> {
        self.options = options;
        self
    }
}

/// What [`Runtime::call_batch`] accepted.
#[derive(Debug)]
pub struct Batch<'rt> {
    /// One future per accepted call, in the order given: the first
    /// `accepted.len()` calls of the batch.
    pub accepted: Vec<Call<'rt>>,
    /// Why the rest were not accepted (None when all were).
    pub refused: Option<Error>,
}

impl<'rt> Batch<'rt> {
    /// Every call's future when all were accepted, else the refusal (the
    /// accepted calls are then dropped, so cancelled).
    pub fn all(self) -> Result<Vec<Call<'rt>>> {
        match self.refused {
            None => Ok(self.accepted),
            Some(error) => Err(error),
        }
    }
}

impl Runtime {
    /// Submits `calls` in one `tether_submit_batch`. Every call is checked
    /// before any is accepted: a malformed one (a payload over
    /// `max_payload_bytes`, ...) refuses the whole batch. Then calls are
    /// accepted in order until one is refused for want of credits
    /// ([`Status::Busy`](crate::Status::Busy)) or memory: the accepted ones
    /// are in [`Batch::accepted`] and will complete, the rest were not
    /// submitted.
    pub fn call_batch(&self, calls: &[BatchCall<'_>]) -> Batch<'_> {
        if calls.is_empty() {
            return Batch {
                accepted: Vec::new(),
                refused: None,
            };
        }
        let raw: Vec<sys::tether_call> = calls
            .iter()
            .map(|call| raw_call(call.method, call.key, call.payload, &call.options))
            .collect();
        let (slots, user_data): (Vec<Arc<Slot>>, Vec<u64>) =
            calls.iter().map(|call| Slot::new(call.method)).unzip();
        let mut tickets = vec![0u64; calls.len()];
        let mut submitted = 0usize;
        // SAFETY: raw holds calls.len() calls of one struct_size, each
        // naming payload bytes borrowed for this call only (copied);
        // user_data and tickets hold one element per call; `complete` is
        // this crate's callback and each user_data the reference it
        // expects. Any thread.
        let status = unsafe {
            sys::tether_submit_batch(
                self.as_ptr(),
                raw.as_ptr(),
                raw.len(),
                Some(slot::complete),
                user_data.as_ptr(),
                tickets.as_mut_ptr(),
                &mut submitted,
            )
        };
        let submitted = submitted.min(calls.len());
        for &data in &user_data[submitted..] {
            // SAFETY: calls past `submitted` were not accepted: no callback
            // will run for their user_data.
            unsafe { Slot::reclaim(data) };
        }
        let accepted = slots
            .into_iter()
            .zip(tickets)
            .take(submitted)
            .map(|(slot, ticket)| Call::in_flight(self, ticket, slot))
            .collect();
        let refused = if status == sys::TETHER_OK {
            None
        } else if submitted == 0 {
            Some(Error::new(
                Status::from_code(status),
                format!("batch of {} calls refused", calls.len()),
            ))
        } else {
            let first = &calls[submitted.min(calls.len() - 1)];
            Some(Error::new(
                Status::from_code(status),
                format!(
                    "batch of {} calls: the first {} accepted, then call {} (method {}, {} \
                     payload bytes) refused",
                    calls.len(),
                    submitted,
                    submitted,
                    first.method,
                    first.payload.len()
                ),
            ))
        };
        Batch { accepted, refused }
    }
}
