//! Masking of personal data (names, phone numbers, ID numbers) for callers
//! whose role does not need the full value.

/// `张三` → `张*`, `欧阳娜娜` → `欧***`.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
    }
}

/// `13812341234` → `138****1234`; short numbers keep only their last two digits.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    let n = chars.len();
    if n >= 8 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}{}{tail}", "*".repeat(n - 7))
    } else if n > 2 {
        let tail: String = chars[n - 2..].iter().collect();
        format!("{}{tail}", "*".repeat(n - 2))
    } else {
        "*".repeat(n)
    }
}

/// 18-character resident ID → first 6 and last 4 kept: `411624********123X`.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    let n = chars.len();
    if n <= 10 {
        return "*".repeat(n);
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[n - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - 10))
}

/// The last four digits of a phone number, as citizens give them to follow a complaint.
pub fn phone_last_four(phone: &str) -> Option<String> {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].iter().collect())
}

/// The division under which anything derived from a report about
/// enforcement conduct is kept — the lead and case escalated from it, the
/// audit entries of its unmasked reads: the county's, so the unit the
/// report names, and anyone within it, never reaches it (信访工作条例
/// 第三十一条). Anything else is kept under its own division.
pub fn derived_division(
    division: &crate::DivisionCode,
    names_someone: bool,
) -> crate::DivisionCode {
    if names_someone {
        division.county()
    } else {
        division.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_only_their_first_character() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("李"), "李*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn mobile_numbers_show_the_first_three_and_last_four_digits() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("0394-5212345"), "039*****2345");
        assert_eq!(mask_phone("12345"), "***45");
    }

    #[test]
    fn id_numbers_show_the_region_and_the_last_four() {
        assert_eq!(mask_id_number("41162419900101123X"), "411624********123X");
    }

    #[test]
    fn the_last_four_phone_digits_ignore_punctuation() {
        assert_eq!(phone_last_four("138-1234-5678").as_deref(), Some("5678"));
        assert_eq!(phone_last_four("12"), None);
    }
}
