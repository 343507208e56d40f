//! A case's history: append-only events, each carrying the SHA-256 of the
//! one before, so a changed or removed row breaks the chain at a link that
//! [`verify`] names.

use sha2::{Digest, Sha256};

/// The hash the first event of a case chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One step in a case's life, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub case_id: String,
    /// 1, 2, 3, … within the case.
    pub seq: i64,
    /// When it was recorded (UTC microseconds).
    pub at: i64,
    /// Who did it (the caller's subject).
    pub actor: String,
    /// What was done (`lead_recorded`, `filed`, …).
    pub kind: String,
    pub from_status: String,
    pub to_status: String,
    /// What the step recorded, as canonical JSON (keys sorted, no spaces).
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Event {
    /// The event after `prev` (or the first, when none), its hash computed.
    #[allow(clippy::too_many_arguments)]
    pub fn next(
        prev: Option<&Event>,
        case_id: &str,
        at: i64,
        actor: &str,
        kind: &str,
        from_status: &str,
        to_status: &str,
        detail: String,
    ) -> Event {
        let mut event = Event {
            case_id: case_id.to_owned(),
            seq: prev.map_or(1, |p| p.seq + 1),
            at,
            actor: actor.to_owned(),
            kind: kind.to_owned(),
            from_status: from_status.to_owned(),
            to_status: to_status.to_owned(),
            detail,
            prev_hash: prev.map_or_else(|| GENESIS.to_owned(), |p| p.hash.clone()),
            hash: String::new(),
        };
        event.hash = event.computed_hash();
        event
    }

    /// SHA-256 over every field but the hash itself, each length-prefixed
    /// so no two different events encode alike.
    pub fn computed_hash(&self) -> String {
        let mut hasher = Sha256::new();
        for field in [
            self.case_id.as_str(),
            &self.seq.to_string(),
            &self.at.to_string(),
            &self.actor,
            &self.kind,
            &self.from_status,
            &self.to_status,
            &self.detail,
            &self.prev_hash,
        ] {
            hasher.update((field.len() as u64).to_be_bytes());
            hasher.update(field.as_bytes());
        }
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The first event that does not check out.
    pub seq: i64,
    pub reason: &'static str,
}

/// Checks a case's events (in `seq` order): numbered 1, 2, 3, …, each
/// chained to the hash of the one before and hashing to what it records.
pub fn verify(events: &[Event]) -> Result<(), BrokenLink> {
    let mut prev_hash = GENESIS;
    for (i, event) in events.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        let broken = |reason| BrokenLink {
            seq: expected_seq,
            reason,
        };
        if event.seq != expected_seq {
            return Err(broken("an event is missing before this one"));
        }
        if event.prev_hash != prev_hash {
            return Err(broken("it does not chain to the event before it"));
        }
        if event.computed_hash() != event.hash {
            return Err(broken("its content does not match its hash"));
        }
        prev_hash = &event.hash;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<Event> {
        let mut events: Vec<Event> = Vec::new();
        for i in 0..n {
            let event = Event::next(
                events.last(),
                "case-1",
                1_700_000_000_000_000 + i as i64,
                "account:officer",
                "step",
                "lead",
                "filed",
                format!("{{\"n\":{i}}}"),
            );
            events.push(event);
        }
        events
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(()));
        assert_eq!(verify(&[]), Ok(()));
        assert_eq!(chain(1)[0].prev_hash, GENESIS);
    }

    #[test]
    fn a_changed_event_is_the_first_broken_link() {
        let mut events = chain(5);
        events[2].detail = "{\"n\":99}".into();
        assert_eq!(
            verify(&events),
            Err(BrokenLink {
                seq: 3,
                reason: "its content does not match its hash"
            })
        );
    }

    #[test]
    fn a_rehashed_change_breaks_the_next_link_and_a_removal_is_found() {
        let mut events = chain(5);
        events[1].actor = "account:someone_else".into();
        events[1].hash = events[1].computed_hash();
        assert_eq!(verify(&events).unwrap_err().seq, 3);
        let mut removed = chain(5);
        removed.remove(3);
        assert_eq!(verify(&removed).unwrap_err().seq, 4);
    }
}
