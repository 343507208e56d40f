//! Phone numbers as requesters give them, stored normalised so a repeat
//! caller matches: a mainland mobile (1[3-9] and 9 more digits) or a
//! landline (0, the area code and the number, 10 to 12 digits, with an
//! optional extension), a leading +86 stripped, separators dropped.

use fazhi_platform::{Code, Error};

fn refuse() -> Error {
    Error::invalid_field(
        "complainant_phone",
        Code::InvalidPhone,
        "complainant_phone must be a mainland mobile (1[3-9] and 9 digits) or a landline (0, area code and number, optionally an extension)",
    )
}

/// The number normalised: `13812341234`, `03945212345` or `03945212345-801`.
pub fn normalize_phone(text: &str) -> Result<String, Error> {
    let text = text.trim();
    if text.chars().count() > 40 {
        return Err(refuse());
    }
    // An extension written 转 801, ext 801 or x801.
    let lower = text.to_lowercase();
    let (main, extension) = match lower
        .split_once('转')
        .or_else(|| lower.split_once("ext"))
        .or_else(|| lower.split_once('x'))
    {
        Some((main, ext)) => (
            main.to_owned(),
            Some(ext.trim_matches(['.', ' ', ':']).to_owned()),
        ),
        None => (lower.clone(), None),
    };
    if !main
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'))
    {
        return Err(refuse());
    }
    let main = main.trim();
    let main = main
        .strip_prefix("+86")
        .or_else(|| main.strip_prefix("0086"))
        .unwrap_or(main);
    let mut groups: Vec<String> = main
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect();
    let mut extension = extension;
    // 0394-5212345-801: a third group after a landline is its extension.
    if extension.is_none() && groups.len() >= 3 && groups[0].starts_with('0') {
        extension = groups.pop();
    }
    let digits: String = groups.concat();
    let is_mobile = digits.len() == 11
        && digits.starts_with('1')
        && matches!(digits.as_bytes()[1], b'3'..=b'9');
    let is_landline = digits.starts_with('0') && (10..=12).contains(&digits.len());
    match extension {
        None if is_mobile || is_landline => Ok(digits),
        Some(ext)
            if is_landline
                && (1..=6).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(format!("{digits}-{ext}"))
        }
        _ => Err(refuse()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_landlines_are_stored_normalised() {
        for (given, stored) in [
            ("13812341234", "13812341234"),
            ("+86 138 1234 1234", "13812341234"),
            ("138-1234-1234", "13812341234"),
            ("0394-5212345", "03945212345"),
            ("(0394) 5212345", "03945212345"),
            ("010-12345678", "01012345678"),
            ("0394-5212345-801", "03945212345-801"),
            ("0394 5212345 转 801", "03945212345-801"),
        ] {
            assert_eq!(normalize_phone(given).unwrap(), stored, "{given}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for given in [
            "call me",
            "12812341234",
            "1381234123",
            "138123412345",
            "5212345",
            "13812341234 转 8",
            "0394-5212345-1234567",
            "110",
        ] {
            assert!(normalize_phone(given).is_err(), "{given}");
        }
    }
}
