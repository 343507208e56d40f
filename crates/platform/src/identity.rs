//! The numbers that name a party: a resident ID number (公民身份号码,
//! GB 11643-1999) and an organisation's unified social credit code
//! (统一社会信用代码, GB 32100-2015), each checked by its check character.

use chrono::{Datelike, NaiveDate};

use crate::{Code, Error};

/// Whom an enforcement lead or case is against (当事人): a person or an
/// organisation, named, and identified by the number of their kind when
/// it is known. One check for a party, wherever one is given (a lead, an
/// escalation from a complaint).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyKind {
    Person,
    Organisation,
}

/// The longest party name kept.
pub const MAX_PARTY_NAME_CHARS: usize = 100;

/// A party's name and number, checked; the fields named as the caller
/// writes them (`party_name`, `party.name`, …). An empty number stays empty.
pub fn check_party(
    kind: PartyKind,
    name: (&str, &str),
    id_number: (&str, &str),
) -> Result<(String, String), Error> {
    let (name_field, name) = name;
    let name = crate::text::required(
        name_field,
        name,
        MAX_PARTY_NAME_CHARS,
        crate::text::Lines::One,
    )?;
    let (id_field, id) = id_number;
    Ok((name, check_party_id(kind, id_field, id)?))
}

/// A party's number, checked for its kind (empty stays empty).
pub fn check_party_id(kind: PartyKind, field: &str, text: &str) -> Result<String, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    match kind {
        PartyKind::Person => check_id_number(field, text),
        PartyKind::Organisation => check_credit_code(field, text),
    }
}

/// Checks a resident ID number: 18 characters, a known province prefix, a
/// valid birth date, and the ISO 7064 MOD 11-2 check character. Returns it
/// in upper case.
pub fn check_id_number(field: &str, text: &str) -> Result<String, Error> {
    let id = text.trim().to_ascii_uppercase();
    let bad = |why: &str| {
        Error::invalid_field(
            field,
            Code::InvalidIdNumber,
            format!("{field} is not a valid resident ID number: {why}"),
        )
    };
    let bytes = id.as_bytes();
    if bytes.len() != 18
        || !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
    {
        return Err(bad("18 characters, digits with a final digit or X"));
    }
    if !crate::division::is_province(&id[..2]) {
        return Err(bad("no province has this prefix"));
    }
    let birth = NaiveDate::parse_from_str(&id[6..14], "%Y%m%d").map_err(|_| bad("birth date"))?;
    if birth.year() < 1900 {
        return Err(bad("birth date"));
    }
    if check_character(&id[..17]) != Some(bytes[17] as char) {
        return Err(bad("check digit"));
    }
    Ok(id)
}

/// The ISO 7064 MOD 11-2 check character of an ID number's first 17 digits.
pub fn check_character(first17: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(CHECK[(sum % 11) as usize] as char)
}

/// The birth date an ID number carries (checked by [`check_id_number`]).
pub fn birth_date(id_number: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(id_number.get(6..14)?, "%Y%m%d").ok()
}

/// The characters of a credit code, each standing for its index.
const CREDIT_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Checks a unified social credit code: 18 characters of its alphabet (no
/// I, O, S, V, Z), the first eight of the registration authority, type and
/// division, and the GB 32100 check character. Returns it in upper case.
pub fn check_credit_code(field: &str, text: &str) -> Result<String, Error> {
    let code = text.trim().to_ascii_uppercase();
    let bad = |why: &str| {
        Error::invalid_field(
            field,
            Code::InvalidCreditCode,
            format!("{field} is not a valid unified social credit code: {why}"),
        )
    };
    let bytes = code.as_bytes();
    if bytes.len() != 18 || !bytes.iter().all(|b| CREDIT_CHARS.contains(b)) {
        return Err(bad("18 characters of 0-9 and A-Y without I, O, S, V, Z"));
    }
    if !bytes[2..8].iter().all(u8::is_ascii_digit) {
        return Err(bad("characters 3 to 8 are a division code"));
    }
    if credit_check_character(&code[..17]) != Some(bytes[17] as char) {
        return Err(bad("check character"));
    }
    Ok(code)
}

/// The GB 32100 check character of a credit code's first 17 characters.
pub fn credit_check_character(first17: &str) -> Option<char> {
    const WEIGHTS: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (b, w) in bytes.iter().zip(WEIGHTS) {
        sum += CREDIT_CHARS.iter().position(|c| c == b)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(CREDIT_CHARS[check] as char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credit_code_is_checked_by_its_check_character() {
        let first17 = "11411624005500000";
        let code = format!("{first17}{}", credit_check_character(first17).unwrap());
        assert_eq!(check_credit_code("c", &code.to_lowercase()).unwrap(), code);
        let wrong = format!("{first17}{}", if code.ends_with('0') { '1' } else { '0' });
        assert_eq!(
            check_credit_code("c", &wrong).unwrap_err().code,
            Code::InvalidCreditCode
        );
        assert!(check_credit_code("c", "91411624MA9XXXXX0X").is_err());
        assert!(check_credit_code("c", "9141").is_err());
    }

    #[test]
    fn a_known_credit_code_checks_out() {
        // Registered companies' codes, as printed on their licences.
        for code in [
            "914403001922038216",
            "91310000775785552L",
            "91350100M000100Y43",
        ] {
            assert!(check_credit_code("c", code).is_ok(), "{code}");
        }
        assert!(check_credit_code("c", "914403001922038217").is_err());
    }
}
