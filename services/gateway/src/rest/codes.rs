//! The REST codes of every contract enum, as schemas: what the OpenAPI
//! document lists for a field that takes one. Bodies keep such fields as
//! text and read them through `edge::mapping`, so an unknown code is a 400
//! naming the field; a test holds each list to its proto enum.

#![allow(
    dead_code,
    reason = "schema-only types: their values are listed, never constructed"
)]

use serde::Serialize;
use utoipa::ToSchema;

/// How a person is employed.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Employment {
    CivilServant,
    PublicInstitution,
    Auxiliary,
    Worker,
    Contract,
    Temporary,
}

/// Where a rank stands in the ordered list the report counts by.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RankLevel {
    ChiefSectionAndAbove,
    DeputySection,
    BelowSection,
}

/// How a training session was given.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrainingKind {
    InPerson,
    Online,
    SpecialTopic,
}

/// What an exam is for.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExamKind {
    Qualification,
    AnnualReview,
    LawStudy,
    NewLaw,
}

/// Where a certificate stands.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    Active,
    Suspended,
    Revoked,
    Expired,
    Cancelled,
}

/// What an annual review decided for one certificate.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    Passed,
    Suspended,
    Revoked,
}

/// Why a person is not certified on a date.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotCertifiedReason {
    NoCertificate,
    NotYetIssued,
    Expired,
    Suspended,
    Revoked,
    Cancelled,
    OutsideArea,
    OutsideCategory,
}

/// A field of administrative enforcement (执法类别).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnforcementCategory {
    Comprehensive,
    NaturalResources,
    HousingConstruction,
    EcologyEnvironment,
    MarketRegulation,
    EmergencyManagement,
    Agriculture,
    Transport,
    CultureTourism,
    Health,
    WaterResources,
    Forestry,
}

/// What a power item lets its holder do.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PowerKind {
    Penalty,
    CoerciveMeasure,
    Inspection,
}

/// Where a township's power over an item comes from.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PowerSource {
    Assigned,
    Own,
}

/// Where a case stands.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Lead,
    NotFiled,
    Filed,
    Terminated,
    Notified,
    Decided,
    Served,
    Closed,
}

/// How a lead came in.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseSource {
    Complaint,
    Inspection,
    Referral,
    Report,
}

/// What a decision decides.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Penalty,
    NoPenalty,
    Dismissed,
    Transferred,
    FirstViolation,
}

/// How a decision reached the party.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMethod {
    InPerson,
    LeftWithWitness,
    Post,
    PublicNotice,
    Electronic,
}

/// How a fine decided on the spot is paid.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    Later,
    OnTheSpot,
    HardToCollect,
}

/// What becomes of preserved evidence.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PreservationOutcome {
    Returned,
    Seized,
    Confiscated,
    Transferred,
}

/// Why an officer must recuse.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecusalReason {
    ConflictOfInterest,
    PartyRequestGranted,
    NamedInComplaint,
}

/// Why a published decision is withdrawn.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawReason {
    Changed,
    Revoked,
    ConfirmedIllegal,
    ConfirmedVoid,
}

/// What a full-process record is.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Text,
    Photo,
    Audio,
    Video,
    Document,
}

/// The step a full-process record belongs to.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordStep {
    Filing,
    Inspection,
    Evidence,
    Seizure,
    Hearing,
    Service,
    Execution,
    Demolition,
}

/// Who a case's party is.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    Person,
    Organisation,
}

/// Whom an outreach event was for.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    School,
    Village,
    Community,
    Enterprise,
    Other,
}

/// A list the townships keep.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    People,
    Attendance,
    Results,
}

/// The file a list comes in.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Csv,
    Xlsx,
}

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

/// Where a request came in.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[serde(rename = "hotline_12345")]
    Hotline12345,
    Mailbox,
    PetitionHall,
    ServiceStation,
    Web,
    MobileApp,
    Referral,
}

/// What a request asks for; decides the reply deadline.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestType {
    Inquiry,
    Help,
    Suggestion,
    Complaint,
    Report,
}

/// Where a request stands.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    Received,
    Dispatched,
    Accepted,
    Replied,
    Visited,
    Closed,
    Returned,
    Duplicate,
    HandedOff,
}

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
}

#[cfg(test)]
mod tests {
    use fazhi_proto::{cases::v1 as cases, complaints::v1 as complaints, training::v1 as training};
    use utoipa::PartialSchema;

    use super::*;
    use crate::edge::mapping::code_from_name;

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

    /// The REST codes of a proto enum, its unspecified value left out.
    fn codes(prefix: &str, name: impl Fn(i32) -> Option<&'static str>) -> Vec<String> {
        (1..64)
            .map_while(&name)
            .map(|n| code_from_name(n, prefix))
            .collect()
    }

    #[test]
    fn every_listed_code_is_its_proto_enum_value() {
        macro_rules! same {
            ($schema:ty, $proto:ty, $prefix:literal) => {
                assert_eq!(
                    listed::<$schema>(),
                    codes($prefix, |v| <$proto>::try_from(v)
                        .ok()
                        .map(|e| e.as_str_name())),
                    stringify!($schema)
                );
            };
        }
        same!(Employment, training::Employment, "EMPLOYMENT_");
        same!(RankLevel, training::RankLevel, "RANK_LEVEL_");
        same!(TrainingKind, training::TrainingKind, "TRAINING_KIND_");
        same!(ExamKind, training::ExamKind, "EXAM_KIND_");
        same!(
            CertificateStatus,
            training::CertificateStatus,
            "CERTIFICATE_STATUS_"
        );
        same!(ReviewOutcome, training::ReviewOutcome, "REVIEW_OUTCOME_");
        same!(
            NotCertifiedReason,
            training::NotCertifiedReason,
            "NOT_CERTIFIED_REASON_"
        );
        same!(Audience, training::Audience, "AUDIENCE_");
        same!(
            EnforcementCategory,
            fazhi_proto::common::v1::EnforcementCategory,
            "ENFORCEMENT_CATEGORY_"
        );
        same!(ListKind, training::ListKind, "LIST_KIND_");
        same!(FileFormat, training::FileFormat, "FILE_FORMAT_");
        same!(Channel, complaints::Channel, "CHANNEL_");
        same!(PowerKind, cases::PowerKind, "POWER_KIND_");
        same!(PowerSource, cases::PowerSource, "POWER_SOURCE_");
        same!(CaseStatus, cases::CaseStatus, "CASE_STATUS_");
        same!(CaseSource, cases::CaseSource, "CASE_SOURCE_");
        same!(PartyKind, cases::PartyKind, "PARTY_KIND_");
        same!(DecisionKind, cases::DecisionKind, "DECISION_KIND_");
        same!(RecordKind, cases::RecordKind, "RECORD_KIND_");
        same!(WithdrawReason, cases::WithdrawReason, "WITHDRAW_REASON_");
        same!(Collection, cases::Collection, "COLLECTION_");
        same!(RecusalReason, cases::RecusalReason, "RECUSAL_REASON_");
        same!(
            PreservationOutcome,
            cases::PreservationOutcome,
            "PRESERVATION_OUTCOME_"
        );
        same!(RecordStep, cases::RecordStep, "RECORD_STEP_");
        same!(ServiceMethod, cases::ServiceMethod, "SERVICE_METHOD_");
        same!(RequestType, complaints::RequestType, "REQUEST_TYPE_");
        same!(ComplaintStatus, complaints::Status, "STATUS_");
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
