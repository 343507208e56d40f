//! Tracking codes (查询码): what a citizen keeps to follow a request.
//! 60 random bits in Crockford base32, grouped for reading aloud on the phone:
//! `K7Q2-M9XD-4TPA`. No I, L, O or U, so nothing is misread.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

pub fn new_tracking_code() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    let mut bits = u64::from_le_bytes(bytes);
    let mut code = String::with_capacity(14);
    for i in 0..12 {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(ALPHABET[(bits & 31) as usize] as char);
        bits >>= 5;
    }
    code
}

/// A code as a citizen may type it (lower case, without dashes, with
/// spaces) in its stored form; `None` when it cannot be a tracking code.
pub fn normalize_tracking_code(text: &str) -> Option<String> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if chars.len() != 12
        || !chars
            .iter()
            .all(|c| c.is_ascii() && ALPHABET.contains(&(*c as u8)))
    {
        return None;
    }
    let mut code = String::with_capacity(14);
    for (i, c) in chars.into_iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(c);
    }
    Some(code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn typed_codes_are_normalized_and_impossible_ones_refused() {
        assert_eq!(
            normalize_tracking_code("k7q2 m9xd 4tpa").as_deref(),
            Some("K7Q2-M9XD-4TPA")
        );
        let code = new_tracking_code();
        assert_eq!(
            normalize_tracking_code(&code).as_deref(),
            Some(code.as_str())
        );
        for bad in [
            "",
            "K7Q2-M9XD-4TP",
            "K7Q2-M9XD-4TPI",
            "K7Q2-M9XD-4TPAA",
            "Ｋ7Q2-M9XD-4TPA",
        ] {
            assert_eq!(normalize_tracking_code(bad), None, "{bad:?}");
        }
    }

    use std::collections::HashSet;

    use super::*;

    #[test]
    fn tracking_codes_are_three_groups_of_four_unambiguous_characters() {
        let code = new_tracking_code();
        assert_eq!(code.len(), 14);
        assert_eq!(code.matches('-').count(), 2);
        assert!(
            code.chars()
                .filter(|c| *c != '-')
                .all(|c| ALPHABET.contains(&(c as u8)))
        );
    }

    #[test]
    fn tracking_codes_do_not_repeat() {
        let codes: HashSet<String> = (0..10_000).map(|_| new_tracking_code()).collect();
        assert_eq!(codes.len(), 10_000);
    }
}
