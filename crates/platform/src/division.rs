//! Administrative division codes (行政区划代码, GB/T 2260): county 6 digits,
//! township 9 (county + 3), village or community 12 (township + 3). Every
//! record belongs to one division; an account sees its division and those under it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Province-level prefixes in use (the first two digits).
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// Whether `prefix` (the first two digits of a division code or a resident
/// ID number) is a province-level code in use.
pub fn is_province(prefix: &str) -> bool {
    prefix.len() == 2 && prefix.parse::<u8>().is_ok_and(|p| PROVINCES.contains(&p))
}

/// Prefecture-level cities without counties (东莞, 中山, 儋州, 嘉峪关): their
/// townships sit directly under the city's own code, which ends in `00`.
const CITIES_WITHOUT_COUNTIES: &[&str] = &["441900", "442000", "460400", "620200"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DivisionLevel {
    /// 县 (and county-level cities and districts).
    County,
    /// 乡镇 (and 街道).
    Township,
    /// 村 / 社区.
    Village,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DivisionCode(String);

impl DivisionCode {
    /// Parses and checks a code; the error names `field`.
    pub fn parse_field(field: &str, text: &str) -> Result<Self, Error> {
        Self::parse(text).map_err(|problem| {
            Error::invalid_field(
                field,
                crate::Code::InvalidDivisionCode,
                format!("{field} {problem}"),
            )
        })
    }

    /// Like [`Self::parse_field`], but empty means "no division given".
    pub fn parse_optional_field(field: &str, text: &str) -> Result<Option<Self>, Error> {
        (!text.is_empty())
            .then(|| Self::parse_field(field, text))
            .transpose()
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if !matches!(text.len(), 6 | 9 | 12) || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(
                "must be a 6-digit county, 9-digit township or 12-digit village division code"
                    .into(),
            );
        }
        let province: u8 = text[..2].parse().unwrap_or(0);
        if !PROVINCES.contains(&province) {
            return Err(format!(
                "starts with {province:02}, which is not a province code"
            ));
        }
        if &text[4..6] == "00" && !CITIES_WITHOUT_COUNTIES.contains(&&text[..6]) {
            return Err("names a prefecture or province, not a county".into());
        }
        if text.len() >= 9 && &text[6..9] == "000" {
            return Err("has township part 000".into());
        }
        if text.len() == 12 && &text[9..12] == "000" {
            return Err("has village part 000".into());
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> DivisionLevel {
        match self.0.len() {
            6 => DivisionLevel::County,
            9 => DivisionLevel::Township,
            _ => DivisionLevel::Village,
        }
    }

    /// The division directly above, if it is one Fazhi tracks.
    pub fn parent(&self) -> Option<DivisionCode> {
        match self.level() {
            DivisionLevel::County => None,
            DivisionLevel::Township => Some(Self(self.0[..6].to_owned())),
            DivisionLevel::Village => Some(Self(self.0[..9].to_owned())),
        }
    }

    /// The county this division lies in.
    pub fn county(&self) -> DivisionCode {
        Self(self.0[..6].to_owned())
    }

    /// Whether `other` is this division or lies under it.
    pub fn contains(&self, other: &DivisionCode) -> bool {
        other.0.starts_with(&self.0)
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DivisionCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DivisionCode> for String {
    fn from(code: DivisionCode) -> Self {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_township_and_village_codes_parse_to_their_levels() {
        assert_eq!(
            DivisionCode::parse("411624").unwrap().level(),
            DivisionLevel::County
        );
        assert_eq!(
            DivisionCode::parse("411624100").unwrap().level(),
            DivisionLevel::Township
        );
        assert_eq!(
            DivisionCode::parse("411624100201").unwrap().level(),
            DivisionLevel::Village
        );
    }

    #[test]
    fn a_county_contains_its_townships_but_not_its_neighbours() {
        let county = DivisionCode::parse("411624").unwrap();
        assert!(county.contains(&DivisionCode::parse("411624100").unwrap()));
        assert!(county.contains(&DivisionCode::parse("411624100201").unwrap()));
        assert!(!county.contains(&DivisionCode::parse("411625100").unwrap()));
        let township = DivisionCode::parse("411624100").unwrap();
        assert!(!township.contains(&county));
        assert_eq!(township.parent(), Some(county));
    }

    #[test]
    fn cities_without_counties_stand_where_a_county_would() {
        for city in ["441900", "442000", "460400", "620200"] {
            let code = DivisionCode::parse(city).unwrap();
            assert_eq!(code.level(), DivisionLevel::County, "{city}");
            let township = DivisionCode::parse(&format!("{city}101")).unwrap();
            assert!(code.contains(&township), "{city}");
        }
        assert!(
            DivisionCode::parse("441800").is_err(),
            "an ordinary prefecture still is not"
        );
    }

    #[test]
    fn malformed_codes_are_refused_with_a_reason() {
        for bad in [
            "",
            "41162",
            "4116241",
            "41162a",
            "991624",
            "411600",
            "411624000",
            "411624100000",
            "４１１６２４",
        ] {
            assert!(
                DivisionCode::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        let err = DivisionCode::parse_field("division_code", "12").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("division_code"));
        assert_eq!(err.code, "invalid_division_code");
    }
}
