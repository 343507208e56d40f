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

#[cfg(test)]
mod tests {
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
