//! The REST codes of every contract enum, as schemas: what the OpenAPI
//! document lists for a field that takes one, generated from the contract
//! (`proto_codes!`), never listed by hand; the few REST-only choices (a
//! report's format, a role) are listed here. Bodies keep such fields as text
//! and read them through `edge::mapping`, so an unknown code is a 400 naming
//! the field.

#![allow(
    dead_code,
    reason = "schema-only types: their values are listed, never constructed"
)]

use serde::Serialize;
use utoipa::ToSchema;

/// A schema listing the REST codes of a contract enum (its values' names
/// without `$prefix`, in lower case; the unset value left out), generated
/// from the contract so it never lists a code by hand.
macro_rules! proto_codes {
    ($name:ident, $proto:ty, $prefix:literal, $doc:literal) => {
        #[doc = $doc]
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let codes: Vec<String> = (1..64)
                    .map_while(|v| <$proto>::try_from(v).ok())
                    .map(|v| crate::edge::mapping::code_from_name(v.as_str_name(), $prefix))
                    .collect();
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some($doc))
                    .enum_values(Some(codes))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

proto_codes!(
    NoVisit,
    fazhi_proto::complaints::v1::NoVisit,
    "NO_VISIT_",
    "Why a replied request is closed without a follow-up visit."
);

proto_codes!(
    Employment,
    fazhi_proto::training::v1::Employment,
    "EMPLOYMENT_",
    "How a person is employed."
);

proto_codes!(
    RankLevel,
    fazhi_proto::training::v1::RankLevel,
    "RANK_LEVEL_",
    "Where a rank stands in the ordered list the report counts by."
);

proto_codes!(
    TrainingKind,
    fazhi_proto::training::v1::TrainingKind,
    "TRAINING_KIND_",
    "How a training session was given."
);

proto_codes!(
    ExamKind,
    fazhi_proto::training::v1::ExamKind,
    "EXAM_KIND_",
    "What an exam is for."
);

proto_codes!(
    CertificateStatus,
    fazhi_proto::training::v1::CertificateStatus,
    "CERTIFICATE_STATUS_",
    "Where a certificate stands."
);

proto_codes!(
    ReviewOutcome,
    fazhi_proto::training::v1::ReviewOutcome,
    "REVIEW_OUTCOME_",
    "What an annual review decided for one certificate."
);

proto_codes!(
    NotCertifiedReason,
    fazhi_proto::training::v1::NotCertifiedReason,
    "NOT_CERTIFIED_REASON_",
    "Why a person is not certified on a date."
);

proto_codes!(
    EnforcementCategory,
    fazhi_proto::common::v1::EnforcementCategory,
    "ENFORCEMENT_CATEGORY_",
    "A field of administrative enforcement (执法类别)."
);

proto_codes!(
    PowerKind,
    fazhi_proto::cases::v1::PowerKind,
    "POWER_KIND_",
    "What a power item lets its holder do."
);

proto_codes!(
    PowerSource,
    fazhi_proto::cases::v1::PowerSource,
    "POWER_SOURCE_",
    "Where a township's power over an item comes from."
);

proto_codes!(
    CaseStatus,
    fazhi_proto::cases::v1::CaseStatus,
    "CASE_STATUS_",
    "Where a case stands."
);

proto_codes!(
    CaseSource,
    fazhi_proto::cases::v1::CaseSource,
    "CASE_SOURCE_",
    "How a lead came in."
);

proto_codes!(
    DecisionKind,
    fazhi_proto::cases::v1::DecisionKind,
    "DECISION_KIND_",
    "What a decision decides."
);

proto_codes!(
    ServiceMethod,
    fazhi_proto::cases::v1::ServiceMethod,
    "SERVICE_METHOD_",
    "How a decision reached the party."
);

proto_codes!(
    Collection,
    fazhi_proto::cases::v1::Collection,
    "COLLECTION_",
    "How a fine decided on the spot is paid."
);

proto_codes!(
    PreservationOutcome,
    fazhi_proto::cases::v1::PreservationOutcome,
    "PRESERVATION_OUTCOME_",
    "What becomes of preserved evidence."
);

proto_codes!(
    PenaltyMeasure,
    fazhi_proto::cases::v1::PenaltyMeasure,
    "PENALTY_MEASURE_",
    "A licence or business penalty (行政处罚法 Art. 9 (3), (4))."
);

proto_codes!(
    OfficerChangeReason,
    fazhi_proto::cases::v1::OfficerChangeReason,
    "OFFICER_CHANGE_REASON_",
    "Why an officer joins a case or replaces one on it."
);

proto_codes!(
    OrderKind,
    fazhi_proto::cases::v1::OrderKind,
    "ORDER_KIND_",
    "An order beside a decision: correct (责令改正) or demolish (责令限期拆除)."
);

proto_codes!(
    SuspensionReason,
    fazhi_proto::cases::v1::SuspensionReason,
    "SUSPENSION_REASON_",
    "Why a case is suspended (中止)."
);

proto_codes!(
    WaiverKind,
    fazhi_proto::cases::v1::WaiverKind,
    "WAIVER_KIND_",
    "How the party gave up the hearing (Art. 64)."
);

proto_codes!(
    AppealKind,
    fazhi_proto::cases::v1::AppealKind,
    "APPEAL_KIND_",
    "Where the party took the decision: reconsideration (行政复议) or lawsuit (行政诉讼)."
);

proto_codes!(
    AppealOutcome,
    fazhi_proto::cases::v1::AppealOutcome,
    "APPEAL_OUTCOME_",
    "How an appeal ended."
);

proto_codes!(
    PeriodUnit,
    fazhi_proto::cases::v1::PeriodUnit,
    "PERIOD_UNIT_",
    "How a 催告's period is counted: working days, or calendar days for more than ten (行政强制法 Art. 69)."
);

proto_codes!(
    DocumentKind,
    fazhi_proto::cases::v1::DocumentKind,
    "DOCUMENT_KIND_",
    "A document served on the party: notice (行政处罚事先告知书), decision (行政处罚决定书 or 不予行政处罚决定书), service_receipt (送达回证)."
);

proto_codes!(
    RecusalReason,
    fazhi_proto::cases::v1::RecusalReason,
    "RECUSAL_REASON_",
    "Why an officer must recuse."
);

proto_codes!(
    WithdrawReason,
    fazhi_proto::cases::v1::WithdrawReason,
    "WITHDRAW_REASON_",
    "Why a published decision is withdrawn."
);

proto_codes!(
    RecordKind,
    fazhi_proto::cases::v1::RecordKind,
    "RECORD_KIND_",
    "What a full-process record is."
);

proto_codes!(
    RecordStep,
    fazhi_proto::cases::v1::RecordStep,
    "RECORD_STEP_",
    "The step a full-process record belongs to."
);

proto_codes!(
    PartyKind,
    fazhi_proto::cases::v1::PartyKind,
    "PARTY_KIND_",
    "Who a case's party is."
);

proto_codes!(
    Audience,
    fazhi_proto::training::v1::Audience,
    "AUDIENCE_",
    "Whom an outreach event was for."
);

proto_codes!(
    ListKind,
    fazhi_proto::training::v1::ListKind,
    "LIST_KIND_",
    "A list the townships keep."
);

proto_codes!(
    FileFormat,
    fazhi_proto::training::v1::FileFormat,
    "FILE_FORMAT_",
    "The file a list comes in."
);

/// A register the township keeps for its annual report.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RegisterName {
    NormativeDocuments,
    EmergencyPlans,
    LegalAdvisers,
    DemonstrationVillages,
}

/// How close a deadline is: yellow while near, red once passed.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WarningLevelCode {
    Yellow,
    Red,
}

/// How the annual report is answered.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Markdown,
    Html,
    Docx,
    Json,
}

/// How the oversight summary is answered.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TableFormat {
    Json,
    Csv,
    Xlsx,
}

proto_codes!(
    Channel,
    fazhi_proto::complaints::v1::Channel,
    "CHANNEL_",
    "Where a request came in."
);

proto_codes!(
    RequestType,
    fazhi_proto::complaints::v1::RequestType,
    "REQUEST_TYPE_",
    "What a request asks for; decides the reply deadline."
);

proto_codes!(
    PlatformEventKind,
    fazhi_proto::complaints::v1::PlatformEventKind,
    "PLATFORM_EVENT_KIND_",
    "What a platform's event on its ticket says."
);

proto_codes!(
    ComplaintStatus,
    fazhi_proto::complaints::v1::Status,
    "STATUS_",
    "Where a request stands."
);

/// A role an account or key holds.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Staff,
    Officer,
    LegalReviewer,
    Leader,
    CountyOverseer,
    Admin,
    Integration,
    StatisticsReader,
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    use super::*;

    /// The codes a schema lists.
    fn listed<T: PartialSchema>() -> Vec<String> {
        let schema = serde_json::to_value(T::schema()).unwrap();
        schema["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn a_schema_lists_its_contracts_codes_without_the_unset_value() {
        // The channels DOMAIN.md names, in the contract's order.
        assert_eq!(
            listed::<Channel>(),
            [
                "hotline_12345",
                "mailbox",
                "petition_hall",
                "service_station",
                "web",
                "mobile_app",
                "referral"
            ]
        );
        assert_eq!(
            listed::<CertificateStatus>(),
            ["active", "suspended", "revoked", "expired", "cancelled"]
        );
        for codes in [
            listed::<Employment>(),
            listed::<CaseStatus>(),
            listed::<ComplaintStatus>(),
            listed::<RecordStep>(),
        ] {
            assert!(
                !codes.is_empty() && !codes.iter().any(|c| c.contains("unspecified")),
                "{codes:?}"
            );
        }
    }

    #[test]
    fn the_role_codes_are_the_platforms() {
        let platform: Vec<String> = fazhi_platform::auth::Role::ALL
            .iter()
            .filter(|r| **r != fazhi_platform::auth::Role::Citizen)
            .map(|r| r.code().to_owned())
            .collect();
        assert_eq!(listed::<Role>(), platform);
    }
}
