//! The training service's REST bodies: the gateway's own types, written in
//! the one REST mapping (`edge::mapping`: enum codes in lower case, days as
//! `YYYY-MM-DD`) and converted to and from `fazhi.training.v1`. Every field
//! may be left out of a request (the service names what is missing).

mod certificates;
mod figures;
mod lists;
mod people;
mod records;

pub use certificates::*;
pub use figures::*;
pub use lists::*;
pub use people::*;
pub use records::*;

use fazhi_proto::training::v1 as pb;

use crate::edge::{
    mapping::{code_from_name, enum_from_code},
    problem::Problem,
};

/// A proto enum of `fazhi.training.v1` read from (`read`) or written as
/// (`write`) its REST code.
macro_rules! rest_enum {
    (read $read:ident, $proto:ty, $prefix:literal) => {
        pub fn $read(field: &str, code: &str) -> Result<i32, Problem> {
            enum_from_code(field, code, $prefix, |name| {
                <$proto>::from_str_name(name).map(|v| v as i32)
            })
        }
    };
    (write $write:ident, $proto:ty, $prefix:literal) => {
        pub fn $write(value: i32) -> String {
            <$proto>::try_from(value)
                .ok()
                .filter(|v| *v as i32 != 0)
                .map(|v| code_from_name(v.as_str_name(), $prefix))
                .unwrap_or_default()
        }
    };
    ($read:ident, $write:ident, $proto:ty, $prefix:literal) => {
        rest_enum!(read $read, $proto, $prefix);
        rest_enum!(write $write, $proto, $prefix);
    };
}

rest_enum!(employment, employment_code, pb::Employment, "EMPLOYMENT_");
rest_enum!(rank_level, rank_level_code, pb::RankLevel, "RANK_LEVEL_");
rest_enum!(
    training_kind,
    training_kind_code,
    pb::TrainingKind,
    "TRAINING_KIND_"
);
rest_enum!(exam_kind, exam_kind_code, pb::ExamKind, "EXAM_KIND_");
rest_enum!(audience, audience_code, pb::Audience, "AUDIENCE_");
rest_enum!(read list_kind, pb::ListKind, "LIST_KIND_");
rest_enum!(read file_format, pb::FileFormat, "FILE_FORMAT_");
rest_enum!(
    status,
    status_code,
    pb::CertificateStatus,
    "CERTIFICATE_STATUS_"
);
rest_enum!(
    category,
    category_code,
    fazhi_proto::common::v1::EnforcementCategory,
    "ENFORCEMENT_CATEGORY_"
);
rest_enum!(write outcome_code, pb::ReviewOutcome, "REVIEW_OUTCOME_");
rest_enum!(write reason_code, pb::NotCertifiedReason, "NOT_CERTIFIED_REASON_");

/// A proto page token as REST gives it: absent on the last page.
pub fn next_page(token: String) -> Option<String> {
    (!token.is_empty()).then_some(token)
}
