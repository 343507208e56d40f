//! A case's history: append-only events, each carrying the keyed hash of
//! the one before, so a changed or removed row breaks the chain at a link
//! that [`verify`] names — and, the key being kept outside the database,
//! nobody who can write the database can compute a chain that verifies.
//!
//! Events hashed before the chain was keyed (plain SHA-256) are accepted
//! only up to a keyed [`Seal`] over their last hash, made once when the
//! key first meets them: a history rewritten without the key fails there.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The hash the first event of a case chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a keyed hash starts with; a bare 64-digit hash is an unkeyed one.
const KEYED: &str = "hmac-sha256:";

/// The secret keying every case's chain (HMAC-SHA256), kept outside the
/// database (`case_history.key`, or `{data_dir}/history.key`).
#[derive(Clone)]
pub struct HistoryKey(Vec<u8>);

impl std::fmt::Debug for HistoryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HistoryKey(..)")
    }
}

impl HistoryKey {
    pub fn new(secret: &str) -> Self {
        Self(secret.as_bytes().to_vec())
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length")
    }
}

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
    /// The event after `prev` (or the first, when none), its keyed hash
    /// computed.
    #[allow(clippy::too_many_arguments)]
    pub fn next(
        key: &HistoryKey,
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
        event.hash = event.keyed_hash(key);
        event
    }

    /// Every field but the hash itself, each length-prefixed so no two
    /// different events encode alike.
    fn encoded(&self) -> Vec<u8> {
        let mut out = Vec::new();
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
            out.extend_from_slice(&(field.len() as u64).to_be_bytes());
            out.extend_from_slice(field.as_bytes());
        }
        out
    }

    /// HMAC-SHA256 of the event under `key`.
    pub fn keyed_hash(&self, key: &HistoryKey) -> String {
        let mut mac = key.mac();
        mac.update(&self.encoded());
        format!("{KEYED}{}", hex(&mac.finalize().into_bytes()))
    }

    /// Plain SHA-256 of the event, as events were hashed before the chain
    /// was keyed.
    pub fn unkeyed_hash(&self) -> String {
        hex(&Sha256::digest(self.encoded()))
    }

    /// Whether the event carries a keyed hash.
    pub fn is_keyed(&self) -> bool {
        self.hash.starts_with(KEYED)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A keyed seal over an unkeyed history's end: the case, its last event's
/// number and hash, as they stood when the key first met them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    pub case_id: String,
    pub seq: i64,
    pub hash: String,
    pub seal: String,
}

impl Seal {
    /// The seal over `last`, the last of a case's unkeyed events.
    pub fn over(key: &HistoryKey, last: &Event) -> Seal {
        Seal {
            case_id: last.case_id.clone(),
            seq: last.seq,
            hash: last.hash.clone(),
            seal: Self::compute(key, &last.case_id, last.seq, &last.hash),
        }
    }

    fn compute(key: &HistoryKey, case_id: &str, seq: i64, hash: &str) -> String {
        let mut mac = key.mac();
        for field in [case_id, &seq.to_string(), hash] {
            mac.update(&(field.len() as u64).to_be_bytes());
            mac.update(field.as_bytes());
        }
        hex(&mac.finalize().into_bytes())
    }

    fn holds(&self, key: &HistoryKey) -> bool {
        Self::compute(key, &self.case_id, self.seq, &self.hash) == self.seal
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
/// chained to the hash of the one before and carrying its keyed hash — or,
/// for events from before the chain was keyed, their plain hash up to a
/// seal that holds under `key`. `status` is the case row's: it must be
/// where the last event left the case.
pub fn verify(
    events: &[Event],
    key: &HistoryKey,
    seal: Option<&Seal>,
    status: &str,
) -> Result<(), BrokenLink> {
    let mut prev_hash = GENESIS;
    let sealed_to = seal.filter(|s| s.holds(key)).map_or(0, |s| s.seq);
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
        let hashed = if event.is_keyed() {
            event.keyed_hash(key) == event.hash
        } else if event.seq <= sealed_to {
            event.unkeyed_hash() == event.hash
        } else {
            return Err(broken(
                "it is not hashed with the history key, and no seal vouches for it",
            ));
        };
        if !hashed {
            return Err(broken("its content does not match its hash"));
        }
        if event.seq == sealed_to && seal.is_some_and(|s| s.hash != event.hash) {
            return Err(broken("it is not the event its seal vouches for"));
        }
        prev_hash = &event.hash;
    }
    if let Some(last) = events.last()
        && last.to_status != status
    {
        return Err(BrokenLink {
            seq: last.seq,
            reason: "the case's status is not where its last event left it",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> HistoryKey {
        HistoryKey::new("a history key of enough length for tests")
    }

    fn chain(n: usize) -> Vec<Event> {
        let mut events: Vec<Event> = Vec::new();
        for i in 0..n {
            let event = Event::next(
                &key(),
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
        assert_eq!(verify(&chain(5), &key(), None, "filed"), Ok(()));
        assert_eq!(verify(&[], &key(), None, "lead"), Ok(()));
        assert_eq!(chain(1)[0].prev_hash, GENESIS);
    }

    #[test]
    fn a_changed_event_is_the_first_broken_link() {
        let mut events = chain(5);
        events[2].detail = "{\"n\":99}".into();
        assert_eq!(
            verify(&events, &key(), None, "filed"),
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
        events[1].hash = events[1].keyed_hash(&key());
        assert_eq!(verify(&events, &key(), None, "filed").unwrap_err().seq, 3);
        let mut removed = chain(5);
        removed.remove(3);
        assert_eq!(verify(&removed, &key(), None, "filed").unwrap_err().seq, 4);
    }

    #[test]
    fn a_history_rewritten_without_the_key_never_verifies() {
        // Whoever can write the database recomputes every hash, keyed with
        // a guess or plain as before: neither holds.
        let guessed = HistoryKey::new("a guess");
        let mut forged = chain(3);
        forged[1].actor = "account:someone_else".into();
        let mut prev = forged[0].hash.clone();
        for event in forged.iter_mut().skip(1) {
            event.prev_hash = prev.clone();
            event.hash = event.keyed_hash(&guessed);
            prev = event.hash.clone();
        }
        assert_eq!(verify(&forged, &key(), None, "filed").unwrap_err().seq, 2);
        let mut plain = chain(3);
        let mut prev = GENESIS.to_owned();
        for event in plain.iter_mut() {
            event.prev_hash = prev.clone();
            event.hash = event.unkeyed_hash();
            prev = event.hash.clone();
        }
        assert_eq!(verify(&plain, &key(), None, "filed").unwrap_err().seq, 1);
    }

    #[test]
    fn an_unkeyed_history_verifies_only_as_far_as_its_seal() {
        let mut old = chain(3);
        let mut prev = GENESIS.to_owned();
        for event in old.iter_mut() {
            event.prev_hash = prev.clone();
            event.hash = event.unkeyed_hash();
            prev = event.hash.clone();
        }
        let seal = Seal::over(&key(), &old[2]);
        let mut events = old.clone();
        events.push(Event::next(
            &key(),
            events.last(),
            "case-1",
            1,
            "a",
            "step",
            "filed",
            "decided",
            "{}".into(),
        ));
        assert_eq!(verify(&events, &key(), Some(&seal), "decided"), Ok(()));
        // A seal made without the key vouches for nothing.
        let mut fake = seal.clone();
        fake.seal = "0".repeat(64);
        assert_eq!(
            verify(&events, &key(), Some(&fake), "decided")
                .unwrap_err()
                .seq,
            1
        );
    }

    #[test]
    fn a_case_row_moved_away_from_its_history_is_found() {
        let events = chain(2);
        assert_eq!(
            verify(&events, &key(), None, "closed"),
            Err(BrokenLink {
                seq: 2,
                reason: "the case's status is not where its last event left it"
            })
        );
    }
}
