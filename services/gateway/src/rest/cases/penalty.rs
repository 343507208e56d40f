//! The penalty a notice proposes or a decision gives, as REST reads and
//! writes it.

use fazhi_proto::cases::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A penalty (行政处罚法 Art. 9), its kinds alone or together: a warning or
/// 通报批评, a fine in fen (分), a confiscation by value, and the licence and
/// business penalties.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Penalty {
    /// 警告 (default false).
    #[serde(default)]
    pub warning: bool,
    /// 罚款, in fen: 0 to 1,000,000,000,000 (default 0).
    #[serde(default)]
    #[schema(example = 50000)]
    pub fine_fen: i64,
    /// 通报批评 (default false).
    #[serde(default)]
    pub criticism: bool,
    /// 没收违法所得、没收非法财物: the value taken, in fen (default 0).
    #[serde(default)]
    pub confiscated_fen: i64,
    /// The licence and business penalties, each at most once.
    #[serde(default)]
    #[schema(value_type = Vec<crate::rest::codes::PenaltyMeasure>)]
    pub measures: Vec<String>,
}

impl Penalty {
    /// The penalty as the cases service takes it, its measures by code.
    pub fn to_proto(&self, field: &str) -> Result<pb::Penalty, crate::edge::problem::Problem> {
        if self.measures.len() > 7 {
            return Err(crate::edge::problem::Problem::bad_field(
                &format!("{field}.measures"),
                fazhi_platform::Code::TooManyValues,
                "at most the seven measures, each once",
            ));
        }
        Ok(pb::Penalty {
            warning: self.warning,
            fine_fen: self.fine_fen,
            criticism: self.criticism,
            confiscated_fen: self.confiscated_fen,
            measures: self
                .measures
                .iter()
                .map(|m| super::body::penalty_measure(&format!("{field}.measures"), m))
                .collect::<Result<_, _>>()?,
        })
    }
}

impl From<Option<pb::Penalty>> for Penalty {
    fn from(p: Option<pb::Penalty>) -> Self {
        let p = p.unwrap_or_default();
        Self {
            warning: p.warning,
            fine_fen: p.fine_fen,
            criticism: p.criticism,
            confiscated_fen: p.confiscated_fen,
            measures: p
                .measures
                .into_iter()
                .map(super::body::penalty_measure_code)
                .collect(),
        }
    }
}
