//! The training service's REST bodies: the gateway's own types, written in
//! the one REST mapping (`edge::mapping`: enum codes in lower case, days as
//! `YYYY-MM-DD`) and converted to and from `fazhi.training.v1`. Every field
//! may be left out of a request (the service names what is missing).

mod certificates;
mod figures;
mod lists;
mod people;
mod records;

pub use crate::domain::figures::TrainingStats;
pub use certificates::*;
pub use lists::*;
pub use people::*;
pub use records::*;

use fazhi_proto::training::v1 as pb;

crate::rest_enum!(required employment, employment_code, pb::Employment, "EMPLOYMENT_");
crate::rest_enum!(required rank_level, rank_level_code, pb::RankLevel, "RANK_LEVEL_");
crate::rest_enum!(
    required training_kind,
    training_kind_code,
    pb::TrainingKind,
    "TRAINING_KIND_"
);
crate::rest_enum!(required exam_kind, exam_kind_code, pb::ExamKind, "EXAM_KIND_");
crate::rest_enum!(required audience, audience_code, pb::Audience, "AUDIENCE_");
crate::rest_enum!(read required list_kind, pb::ListKind, "LIST_KIND_");
crate::rest_enum!(read required file_format, pb::FileFormat, "FILE_FORMAT_");
crate::rest_enum!(
    required status,
    status_code,
    pb::CertificateStatus,
    "CERTIFICATE_STATUS_"
);
crate::rest_enum!(
    required category,
    category_code,
    fazhi_proto::common::v1::EnforcementCategory,
    "ENFORCEMENT_CATEGORY_"
);
crate::rest_enum!(write outcome_code, pb::ReviewOutcome, "REVIEW_OUTCOME_");
crate::rest_enum!(write reason_code, pb::NotCertifiedReason, "NOT_CERTIFIED_REASON_");

/// A proto page token as REST gives it: absent on the last page.
pub fn next_page(token: String) -> Option<String> {
    (!token.is_empty()).then_some(token)
}
