//! Suggesting that a request repeats an earlier one (重复件): the same
//! caller (normalised phone), the same category, an address close enough,
//! within a window, the earlier one still open. Staff confirm by merging
//! (the duplicate step) or leave it.

use std::collections::HashSet;

use super::{Complaint, Status};

/// How alike two addresses must be (Dice coefficient of their character
/// pairs) to suggest the same place.
pub const SIMILAR_ADDRESS: f64 = 0.5;

fn pairs(address: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = address
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// 0 (nothing shared) to 1 (the same), ignoring spaces and punctuation.
pub fn address_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (pairs(a), pairs(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(&b).count() as f64 / (a.len() + b.len()) as f64
}

/// Whether `other` is worth suggesting as the request `complaint` repeats.
pub fn suggests(complaint: &Complaint, other: &Complaint) -> Option<f64> {
    let open = !matches!(
        other.status,
        Status::Closed | Status::Duplicate | Status::HandedOff
    );
    let same_caller = complaint.complainant.phone.is_some()
        && complaint.complainant.phone == other.complainant.phone;
    if other.id == complaint.id || !open || !same_caller || other.category != complaint.category {
        return None;
    }
    let similarity = address_similarity(&complaint.address, &other.address);
    (similarity >= SIMILAR_ADDRESS).then_some(similarity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearby_addresses_score_high_and_other_places_low() {
        assert_eq!(address_similarity("老城镇西关村", "老城镇 西关村"), 1.0);
        assert!(address_similarity("老城镇西关村", "老城镇西关村东头") > 0.7);
        assert!(address_similarity("老城镇西关村", "槐店镇南街社区") < 0.3);
        assert_eq!(address_similarity("", "老城镇"), 0.0);
    }
}
