//! A domain enum ([`crate::coded_enum`]) and its contract enum, mapped by
//! name (`POWER_KIND_OWN` ↔ `own`), one way for every service: the unset
//! value (0, `…_UNSPECIFIED`) is "not given", never a value of its own.

use crate::{Code, Error};

/// What [`crate::coded_enum`] gives every domain enum.
pub trait Coded: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn from_code(code: &str) -> Option<Self>;
}

/// The contract's number for `value`: its name is `prefix` and the code in
/// upper case; 0 (unset) should the contract not know it.
pub fn to_proto<T: Coded>(value: T, prefix: &str, from_name: impl Fn(&str) -> Option<i32>) -> i32 {
    from_name(&format!("{prefix}{}", value.code().to_ascii_uppercase())).unwrap_or(0)
}

/// The domain value of the contract's number `value`: `None` when unset,
/// an error naming `field` and the known codes for a number no value has.
pub fn from_proto<T: Coded>(
    field: &str,
    value: i32,
    prefix: &str,
    name_of: impl Fn(i32) -> Option<&'static str>,
) -> Result<Option<T>, Error> {
    if value == 0 {
        return Ok(None);
    }
    name_of(value)
        .and_then(|name| name.strip_prefix(prefix))
        .map(str::to_ascii_lowercase)
        .and_then(|code| T::from_code(&code))
        .map(Some)
        .ok_or_else(|| unknown::<T>(field))
}

/// A value that must be given: unset answers as an unknown one does,
/// naming the codes `field` takes.
pub fn given<T: Coded>(field: &str, value: Option<T>) -> Result<T, Error> {
    value.ok_or_else(|| unknown::<T>(field))
}

fn unknown<T: Coded>(field: &str) -> Error {
    let codes: Vec<&str> = T::ALL.iter().map(|v| v.code()).collect();
    Error::invalid_field(
        field,
        Code::UnknownCode,
        format!("{field} must be one of {}", codes.join(", ")),
    )
}

/// `$from(field, value) -> Result<Option<Domain>, Error>` and
/// `$to(Domain) -> i32` for a domain enum and its contract enum (whose
/// values are named `$prefix` + the code in upper case).
#[macro_export]
macro_rules! proto_enum {
    ($from:ident, $to:ident, $domain:ty, $proto:ty, $prefix:literal) => {
        $crate::proto_enum!(=> $to, $domain, $proto, $prefix);

        #[allow(dead_code)]
        pub(crate) fn $from(
            field: &str,
            value: i32,
        ) -> Result<Option<$domain>, $crate::Error> {
            $crate::proto_enum::from_proto(field, value, $prefix, |v| {
                <$proto>::try_from(v).ok().map(|p| p.as_str_name())
            })
        }
    };
    (=> $to:ident, $domain:ty, $proto:ty, $prefix:literal) => {
        pub(crate) fn $to(value: $domain) -> i32 {
            $crate::proto_enum::to_proto(value, $prefix, |n| {
                <$proto>::from_str_name(n).map(|v| v as i32)
            })
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::coded_enum! {
        /// A test enum.
        Kind { Own => "own", Entrusted => "entrusted" }
    }

    fn name_of(v: i32) -> Option<&'static str> {
        ["KIND_UNSPECIFIED", "KIND_OWN", "KIND_ENTRUSTED"]
            .get(v as usize)
            .copied()
    }

    #[test]
    fn unset_is_not_given_and_a_number_no_value_has_is_refused_by_name() {
        assert_eq!(
            from_proto::<Kind>("kind", 0, "KIND_", name_of).unwrap(),
            None
        );
        assert_eq!(
            from_proto::<Kind>("kind", 2, "KIND_", name_of).unwrap(),
            Some(Kind::Entrusted)
        );
        let err = from_proto::<Kind>("kind", 9, "KIND_", name_of).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.field.as_deref()),
            ("unknown_code", Some("kind"))
        );
        assert_eq!(
            given::<Kind>("kind", None).unwrap_err().code,
            "unknown_code"
        );
        let number = |n: &str| {
            ["KIND_UNSPECIFIED", "KIND_OWN", "KIND_ENTRUSTED"]
                .iter()
                .position(|x| *x == n)
                .map(|i| i as i32)
        };
        assert_eq!(to_proto(Kind::Own, "KIND_", number), 1);
    }
}
