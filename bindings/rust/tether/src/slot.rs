//! The slot one call's waiter and tether's completion callback share, and
//! the `extern "C"` callback itself.
//!
//! Ownership protocol (the proof that every completion is consumed exactly
//! once and its buffers freed exactly once):
//!
//! - A submit makes an `Arc<Slot>` with two references: one stays with the
//!   [`Call`](crate::Call), the other is turned into the call's `user_data`
//!   with `Arc::into_raw`.
//! - If the submit is refused, tether runs no callback (tether/call.h: "A
//!   submit that returns an error accepted nothing: no callback will run"),
//!   so the submitter takes the `user_data` reference back at once
//!   ([`Slot::reclaim`]).
//! - If it is accepted, tether runs [`complete`] exactly once ("Every
//!   accepted call completes exactly once"), and only `complete` turns the
//!   `user_data` back into an `Arc`. The completion's result and error
//!   buffers become a `Result<Buffer>` (a [`Buffer`] frees on drop) before
//!   anything else happens, so they are freed exactly once whatever follows.
//! - The state moves forward under the mutex, once each way: `Waiting` to
//!   `Done` (the callback) then `Taken` (the waiter); or `Waiting` to
//!   `Abandoned` (the waiter dropped first) after which the callback drops
//!   the outcome itself. Whoever comes second sees the other's mark, so
//!   exactly one of them drops the outcome.
//!
//! No code outside this crate runs under the mutex except `Waker::clone`;
//! wakers are woken and old wakers dropped after it is released.

use std::mem;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Poll, Waker};
use std::thread::{self, Thread};

use tether_sys as sys;

use crate::text::take_text;
use crate::unwind::no_unwind;
use crate::{Buffer, Error, Result, Status};

/// Who to wake when the completion arrives.
enum Waiter {
    Nobody,
    Task(Waker),
    Thread(Thread),
}

impl Waiter {
    fn wake(self) {
        match self {
            Waiter::Nobody => {}
            Waiter::Task(waker) => waker.wake(),
            Waiter::Thread(thread) => thread.unpark(),
        }
    }
}

enum State {
    /// The call is in flight.
    Waiting(Waiter),
    /// The completion arrived; its outcome waits to be taken.
    Done(Result<Buffer>),
    /// The waiter took the outcome.
    Taken,
    /// The waiter went away first; the callback drops the outcome.
    Abandoned,
}

pub(crate) struct Slot {
    state: Mutex<State>,
    /// What the error message says when tether gives none.
    method: u32,
}

// The callback's reference travels to tether's lane or delivery thread and
// is dropped there, so a Slot must be both Send and Sync. Checked here so
// a field that is neither fails to compile rather than to run.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Slot>();
};

impl Slot {
    /// A slot for a call of `method`, and the raw reference to hand tether
    /// as `user_data`.
    pub(crate) fn new(method: u32) -> (Arc<Slot>, u64) {
        let slot = Arc::new(Slot {
            state: Mutex::new(State::Waiting(Waiter::Nobody)),
            method,
        });
        let user_data = Arc::into_raw(Arc::clone(&slot)) as usize as u64;
        (slot, user_data)
    }

    /// Takes back the `user_data` reference of a call tether refused.
    ///
    /// # Safety
    ///
    /// `user_data` came from [`Slot::new`] and tether did not accept the
    /// call it was given with, so no callback will ever read it.
    pub(crate) unsafe fn reclaim(user_data: u64) {
        drop(Arc::from_raw(user_data as usize as *const Slot));
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while locked (only Waker::clone can panic there) leaves
        // the state as it was: still consistent, so poisoning is ignored.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The outcome if it arrived, else registers `waker` to be woken.
    pub(crate) fn poll(&self, waker: &Waker) -> Poll<Result<Buffer>> {
        let mut state = self.lock();
        match &mut *state {
            State::Waiting(waiter) => {
                let stale = match waiter {
                    Waiter::Task(current) if current.will_wake(waker) => None,
                    _ => Some(mem::replace(waiter, Waiter::Task(waker.clone()))),
                };
                drop(state);
                drop(stale);
                Poll::Pending
            }
            State::Done(_) => match mem::replace(&mut *state, State::Taken) {
                State::Done(outcome) => Poll::Ready(outcome),
                _ => unreachable!(),
            },
            State::Taken | State::Abandoned => {
                unreachable!("a call's outcome is taken once, by its only waiter")
            }
        }
    }

    /// Blocks this thread until the outcome arrives and takes it.
    pub(crate) fn wait(&self) -> Result<Buffer> {
        let mut registered = false;
        loop {
            {
                let mut state = self.lock();
                match &mut *state {
                    State::Waiting(waiter) => {
                        if !registered {
                            let stale = mem::replace(waiter, Waiter::Thread(thread::current()));
                            registered = true;
                            drop(state);
                            drop(stale);
                        }
                    }
                    State::Done(_) => match mem::replace(&mut *state, State::Taken) {
                        State::Done(outcome) => return outcome,
                        _ => unreachable!(),
                    },
                    State::Taken | State::Abandoned => {
                        unreachable!("a call's outcome is taken once, by its only waiter")
                    }
                }
            }
            // The callback unparks after storing the outcome; an unpark
            // that came first makes this return at once, and a spurious
            // wake-up loops.
            thread::park();
        }
    }

    /// The waiter is going away. Returns true when the call is still in
    /// flight (its completion will be dropped by the callback), false when
    /// the outcome had arrived (it is dropped here).
    pub(crate) fn abandon(&self) -> bool {
        let mut state = self.lock();
        match mem::replace(&mut *state, State::Abandoned) {
            State::Waiting(waiter) => {
                drop(state);
                drop(waiter);
                true
            }
            State::Done(outcome) => {
                *state = State::Taken;
                drop(state);
                drop(outcome);
                false
            }
            State::Taken => {
                *state = State::Taken;
                false
            }
            State::Abandoned => false,
        }
    }

    /// Stores the outcome and wakes the waiter, or drops the outcome when
    /// the waiter is gone.
    fn fill(&self, outcome: Result<Buffer>) {
        let mut state = self.lock();
        match mem::replace(&mut *state, State::Taken) {
            State::Waiting(waiter) => {
                *state = State::Done(outcome);
                drop(state);
                waiter.wake();
            }
            State::Abandoned => {
                *state = State::Abandoned;
                drop(state);
                drop(outcome);
            }
            // tether completes each call once; should a second completion
            // ever come, keep the first outcome and free this one.
            other => {
                *state = other;
                drop(state);
                drop(outcome);
            }
        }
    }
}

/// Turns a completion's owned buffers into the call's outcome.
///
/// # Safety
///
/// `completion` is one tether handed to a callback (or polled from a
/// queue): its result and error buffers are the caller's, taken here once.
pub(crate) unsafe fn outcome(completion: &sys::tether_completion, method: u32) -> Result<Buffer> {
    let result = Buffer::from_raw(completion.result as *mut u8, completion.result_len);
    let text = take_text(completion.error);
    if completion.status == sys::TETHER_OK {
        return Ok(result);
    }
    drop(result);
    let message = if text.is_empty() {
        format!("call of method {} failed", method)
    } else {
        text
    };
    Err(Error::new(Status::from_code(completion.status), message)
        .with_library_code(completion.library_code))
}

/// The `tether_callback_fn` of every call this crate submits. Runs on a
/// lane or on tether's delivery thread (tether_runtime_config.deliver),
/// once per accepted call. Nothing unwinds out of it: a panic (only a
/// waker's `wake` could panic here, after the outcome is stored) is caught.
pub(crate) unsafe extern "C" fn complete(completion: *mut sys::tether_completion) {
    no_unwind(|| {
        // SAFETY: tether passes a valid completion, borrowed for the
        // duration of the callback, whose buffers the callback owns.
        let completion = &*completion;
        // SAFETY: user_data is the reference Slot::new made for this call,
        // which tether accepted; this callback runs once per accepted call
        // and is the only place that takes that reference back.
        let slot = Arc::from_raw(completion.user_data as usize as *const Slot);
        let outcome = outcome(completion, slot.method);
        slot.fill(outcome);
    });
}
