//! Counters of what the use cases did (awards, verifications by verdict, status changes), for
//! the server's `/metrics`. Per [`App`](crate::App), lock-free, never reset.

use std::sync::atomic::{AtomicU64, Ordering};

use brevet_core::verify::{Verdict, VerificationReport};

/// What the use cases counted since the application started.
#[derive(Debug, Default)]
pub struct Events {
    awards: AtomicU64,
    verified: AtomicU64,
    invalid: AtomicU64,
    indeterminate: AtomicU64,
    status_changes: [AtomicU64; 4],
}

/// A snapshot of [`Events`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventCounts {
    /// Credentials awarded (committed).
    pub awards: u64,
    /// Verifications whose verdict was verified.
    pub verified: u64,
    /// Verifications where a check failed.
    pub invalid: u64,
    /// Verifications where nothing failed but something could not be checked.
    pub indeterminate: u64,
    /// Status changes committed, as `(purpose, set)`: revocation set/cleared, suspension
    /// set/cleared.
    pub status_changes: [(&'static str, bool, u64); 4],
}

/// The `(purpose, set)` pairs counted, in [`EventCounts::status_changes`] order.
const STATUS_KINDS: [(&str, bool); 4] = [
    ("revocation", true),
    ("revocation", false),
    ("suspension", true),
    ("suspension", false),
];

impl Events {
    pub(crate) fn award(&self) {
        self.awards.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn verification(&self, report: &VerificationReport) {
        let counter = match report.verdict() {
            Verdict::Verified => &self.verified,
            Verdict::Invalid => &self.invalid,
            Verdict::Indeterminate => &self.indeterminate,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn status_change(&self, purpose: &str, set: bool) {
        if let Some(index) = STATUS_KINDS
            .iter()
            .position(|&(kind, kind_set)| kind == purpose && kind_set == set)
        {
            self.status_changes[index].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The current counts.
    pub fn counts(&self) -> EventCounts {
        let mut status_changes = [("", false, 0); 4];
        for (slot, (&(purpose, set), counter)) in status_changes
            .iter_mut()
            .zip(STATUS_KINDS.iter().zip(&self.status_changes))
        {
            *slot = (purpose, set, counter.load(Ordering::Relaxed));
        }
        EventCounts {
            awards: self.awards.load(Ordering::Relaxed),
            verified: self.verified.load(Ordering::Relaxed),
            invalid: self.invalid.load(Ordering::Relaxed),
            indeterminate: self.indeterminate.load(Ordering::Relaxed),
            status_changes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_changes_are_counted_by_purpose_and_direction() {
        let events = Events::default();
        events.status_change("revocation", true);
        events.status_change("revocation", true);
        events.status_change("suspension", false);
        events.status_change("unknown", true);
        let counts = events.counts();
        assert_eq!(counts.status_changes[0], ("revocation", true, 2));
        assert_eq!(counts.status_changes[1], ("revocation", false, 0));
        assert_eq!(counts.status_changes[3], ("suspension", false, 1));
        events.award();
        assert_eq!(events.counts().awards, 1);
    }
}
