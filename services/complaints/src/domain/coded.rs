//! Serde for the workflow's coded enums: each as its code.

/// Serde for a coded enum as its code.
macro_rules! serde_code {
    ($module:ident, $type:ty) => {
        pub mod $module {
            use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

            pub fn serialize<S: Serializer>(value: &$type, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(value.code())
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<$type, D::Error> {
                let code = String::deserialize(d)?;
                <$type>::from_code(&code)
                    .ok_or_else(|| D::Error::custom(format!("unknown code {code}")))
            }
        }
    };
}

serde_code!(satisfaction, super::super::Satisfaction);

pub mod hand_off {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    use super::super::HandOff;

    pub fn serialize<S: Serializer>(value: &Option<HandOff>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.serialize_some(v.code()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<HandOff>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|code| {
                HandOff::from_code(&code)
                    .ok_or_else(|| D::Error::custom(format!("unknown code {code}")))
            })
            .transpose()
    }
}
