//! The catalogue of error codes: every `code` a Fazhi service or the REST
//! edge answers with, each with what it means. An [`crate::Error`] carries
//! one of these; the OpenAPI document lists them in the problem schema.

macro_rules! catalogue {
    ($($(#[doc = $doc:literal])* $name:ident => $code:literal,)*) => {
        /// A stable, machine-readable error code (`snake_case` on the wire).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $name,)*
        }

        impl Code {
            /// Every code, in the catalogue's order.
            pub const ALL: &[Code] = &[$(Code::$name,)*];

            /// The code as it is written on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $code,)*
                }
            }

            /// What the code means, for the published catalogue.
            pub fn description(self) -> &'static str {
                match self {
                    $(Code::$name => concat!($($doc),*).trim_ascii(),)*
                }
            }

            /// The code written `text` on the wire, if there is one.
            pub fn parse(text: &str) -> Option<Code> {
                match text {
                    $($code => Some(Code::$name),)*
                    _ => None,
                }
            }
        }
    };
}

catalogue! {
    /// this account is disabled
    AccountDisabled => "account_disabled",
    /// an API key cannot hold the admin role
    AdminApiKey => "admin_api_key",
    /// a certificate's area lies within its holder's division
    AreaOutsideDivision => "area_outside_division",
    /// the person already holds a certificate in force
    AlreadyCertified => "already_certified",
    /// a record with this id exists
    AlreadyExists => "already_exists",
    /// this request already created its API key
    ApiKeyExists => "api_key_exists",
    /// auxiliary staff cannot hold a certificate
    AuxiliaryCannotHoldCertificate => "auxiliary_cannot_hold_certificate",
    /// the file is larger than the upload limit
    BodyTooLarge => "body_too_large",
    /// administrators cannot disable their own account
    CannotDisableSelf => "cannot_disable_self",
    /// administrators change their own password with POST /api/v1/auth/password
    CannotResetSelf => "cannot_reset_self",
    /// the training service could not say whether the officers are certified; retry
    CertificationUnavailable => "certification_unavailable",
    /// the certificate number is taken
    CertificateNumberExists => "certificate_number_exists",
    /// the text contains a control character
    ControlCharacter => "control_character",
    /// the database is busy; retry shortly
    DatabaseBusy => "database_busy",
    /// the date lies after today
    DateInFuture => "date_in_future",
    /// the date lies outside the range records may have
    DateOutOfRange => "date_out_of_range",
    /// a list names the same value twice
    DuplicateValue => "duplicate_value",
    /// a service this request needs did not answer in time
    DeadlineExceeded => "deadline_exceeded",
    /// the division lies outside the divisions the caller acts for
    DivisionOutOfScope => "division_out_of_scope",
    /// 工勤, contract and temporary staff can never hold an enforcement certificate
    EmploymentCannotHoldCertificate => "employment_cannot_hold_certificate",
    /// a person is listed twice
    DuplicatePerson => "duplicate_person",
    /// the resource is not in a state that allows this
    FailedPrecondition => "failed_precondition",
    /// the file passes one of the limits on rows, columns, cells, text or archive size (named in the detail)
    FileLimitExceeded => "file_limit_exceeded",
    /// the caller's role does not allow this
    Forbidden => "forbidden",
    /// give format=csv or format=xlsx, or send Content-Type text/csv or the .xlsx type
    FormatRequired => "format_required",
    /// a person with this ID number is on record in the caller's divisions
    IdNumberExists => "id_number_exists",
    /// the identity provider (OIDC) could not be reached to check a token
    IdentityProviderUnavailable => "identity_provider_unavailable",
    /// a held registration and the person it is merged into share a session or an exam
    RegistrationsOverlap => "registrations_overlap",
    /// a transfer to the division the person is already in
    SameDivision => "same_division",
    /// a request with this Idempotency-Key is still being processed
    IdempotencyKeyInUse => "idempotency_key_in_use",
    /// this Idempotency-Key was used with a different request
    IdempotencyKeyReused => "idempotency_key_reused",
    /// rows of the list were rejected (each in `rejected`); nothing was imported
    ImportRejected => "import_rejected",
    /// other lists are being imported; retry in a moment
    ImportsBusy => "imports_busy",
    /// expires_at must be in the future
    InThePast => "in_the_past",
    /// the act was not discovered within the limitation period (行政处罚法 Art. 36)
    LimitationPassed => "limitation_passed",
    /// an unexpected failure; the details are in the server logs
    Internal => "internal",
    /// a malformed value
    InvalidArgument => "invalid_argument",
    /// the body must be a JSON object
    InvalidBody => "invalid_body",
    /// a count lies outside its allowed range
    InvalidCount => "invalid_count",
    /// a code holds letters, digits, dots and dashes only
    InvalidCode => "invalid_code",
    /// not a valid unified social credit code (GB 32100)
    InvalidCreditCode => "invalid_credit_code",
    /// the API key is not valid
    InvalidCredentials => "invalid_credentials",
    /// a value is not a date like 2023-11-20
    InvalidDate => "invalid_date",
    /// not a division code (6, 9 or 12 digits of a known province)
    InvalidDivisionCode => "invalid_division_code",
    /// … must be true or false
    InvalidFlag => "invalid_flag",
    /// … must be more than 0 and at most 24 hours in a day
    InvalidHours => "invalid_hours",
    /// … is not a valid resident ID number: …
    InvalidIdNumber => "invalid_id_number",
    /// Idempotency-Key must be 1 to … visible ASCII characters
    InvalidIdempotencyKey => "invalid_idempotency_key",
    /// unknown username, wrong password or disabled account
    InvalidLogin => "invalid_login",
    /// excellent_mark must not be below pass_mark
    InvalidMarks => "invalid_marks",
    /// a value is not a number
    InvalidNumber => "invalid_number",
    /// page_size must be a whole number
    InvalidPageSize => "invalid_page_size",
    /// page_token is not one this API issued
    InvalidPageToken => "invalid_page_token",
    /// person_id must be 1 to 64 characters
    InvalidPersonId => "invalid_person_id",
    /// complainant_phone must be a phone number of 5 to 15 digits
    InvalidPhone => "invalid_phone",
    /// phone_last4 must be the last 4 digits of the phone number given
    InvalidPhoneLast4 => "invalid_phone_last4",
    /// phone_last_four must be the last 4 digits of the phone number given
    InvalidPhoneLastFour => "invalid_phone_last_four",
    /// the query string could not be read
    InvalidQuery => "invalid_query",
    /// request_id must be visible ASCII characters within the length limit
    InvalidRequestId => "invalid_request_id",
    /// … must be between 0 and 100
    InvalidScore => "invalid_score",
    /// a time is out of range
    InvalidTime => "invalid_time",
    /// the end of a range lies before its start
    InvalidTimeRange => "invalid_time_range",
    /// the access token is not valid
    InvalidToken => "invalid_token",
    /// the certificate cannot make this change from its status
    InvalidTransition => "invalid_transition",
    /// a field has the wrong JSON type
    InvalidType => "invalid_type",
    /// username must be 3 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit
    InvalidUsername => "invalid_username",
    /// the year lies outside the years a review can be run for
    InvalidYear => "invalid_year",
    /// the body is not valid JSON
    MalformedJson => "malformed_json",
    /// this resource does not support that method
    MethodNotAllowed => "method_not_allowed",
    /// this resource needs credentials
    MissingCredentials => "missing_credentials",
    /// this route has no access rule
    NoAccessRule => "no_access_rule",
    /// the identity provider's token names no division of this county
    NoFazhiDivision => "no_fazhi_division",
    /// the identity provider's token names no Fazhi role
    NoFazhiRole => "no_fazhi_role",
    /// no training on record in the months before the certificate's issue (持证必培训)
    NoTrainingOnRecord => "no_training_on_record",
    /// no passed qualification exam (执法资格考试) in the months the rules require
    NoPassingQualificationExam => "no_passing_qualification_exam",
    /// only local accounts have a password and sessions here
    NotALocalAccount => "not_a_local_account",
    /// no such resource in the divisions the caller acts for
    NotFound => "not_found",
    /// a certificate is issued only to a person in an enforcement post
    NotInEnforcementPost => "not_in_enforcement_post",
    /// the certificate is still within its validity
    NotYetExpired => "not_yet_expired",
    /// a later step is given without the step it follows (a review without the filing, …)
    StepOutOfOrder => "step_out_of_order",
    /// an officer is not certified for the case's division and category that day (Art. 42)
    OfficerNotCertified => "officer_not_certified",
    /// the body is larger than the limit
    PayloadTooLarge => "payload_too_large",
    /// the caller's role does not allow this
    PermissionDenied => "permission_denied",
    /// the power item code is taken
    PowerItemCodeExists => "power_item_code_exists",
    /// the case's division does not hold the power item that day
    PowerNotHeld => "power_not_held",
    /// too many requests; retry after Retry-After seconds
    RateLimited => "rate_limited",
    /// the county is checking this registration against its register; a certificate can be issued once it is confirmed
    RegistrationHeld => "registration_held",
    /// a certificate was revoked at annual review and the re-issue bar has not passed
    ReissueBarred => "reissue_barred",
    /// the request was not complete within the time limit
    RequestTimeout => "request_timeout",
    /// a required field is empty
    Required => "required",
    /// no resource at this path
    RouteNotFound => "route_not_found",
    /// a rule forbids this
    RuleViolation => "rule_violation",
    /// a service this request needs is unavailable
    ServiceUnavailable => "service_unavailable",
    /// the service is shutting down
    ShuttingDown => "shutting_down",
    /// the access token has expired
    TokenExpired => "token_expired",
    /// this access token was ended (password changed, account disabled, or logged out everywhere)
    TokenRevoked => "token_revoked",
    /// a text is longer than allowed
    TooLong => "too_long",
    /// a list holds more values than allowed
    TooManyValues => "too_many_values",
    /// enforcement needs at least two officers (行政处罚法 Art. 42)
    TooFewOfficers => "too_few_officers",
    /// missing or invalid credentials
    Unauthenticated => "unauthenticated",
    /// the category is not in the taxonomy
    UnknownCategory => "unknown_category",
    /// the value is not one of the codes the field takes
    UnknownCode => "unknown_code",
    /// the field is not part of this request
    UnknownField => "unknown_field",
    /// no such person in the caller's divisions
    UnknownPerson => "unknown_person",
    /// no power item has this code
    UnknownPowerItem => "unknown_power_item",
    /// not a role (staff, officer, legal_reviewer, leader, county_overseer, admin)
    UnknownRole => "unknown_role",
    /// the request body could not be read
    UnreadableBody => "unreadable_body",
    /// the file is not a readable CSV or .xlsx file
    UnreadableFile => "unreadable_file",
    /// the request body must be JSON (Content-Type: application/json)
    UnsupportedMediaType => "unsupported_media_type",
    /// other uploads are being handled; retry in a moment
    UploadsBusy => "uploads_busy",
    /// an account with this username exists
    UsernameTaken => "username_taken",
    /// the resource was changed by someone else since it was read; read it again
    VersionConflict => "version_conflict",
    /// the password is shorter or longer than allowed
    WeakPassword => "weak_password",
    /// old_password is not this account's password
    WrongPassword => "wrong_password",
    /// the party asked for this already
    AlreadyRequested => "already_requested",
    /// electronic service needs the party's signed consent
    ConsentRequired => "consent_required",
    /// a complex or serious case is decided after collective discussion (Art. 57)
    DiscussionRequired => "discussion_required",
    /// the fine is unpaid
    FineUnpaid => "fine_unpaid",
    /// no hearing was offered for this penalty (Art. 63)
    HearingNotOffered => "hearing_not_offered",
    /// no hearing is waiting to be held
    HearingNotRequested => "hearing_not_requested",
    /// the party asked for a hearing: hold it before deciding (Art. 65)
    HearingPending => "hearing_pending",
    /// the amount is outside what a decision can carry
    InvalidAmount => "invalid_amount",
    /// this decision needs an approving legal review (Art. 58)
    LegalReviewRequired => "legal_review_required",
    /// the decision carries no fine
    NothingToPay => "nothing_to_pay",
    /// a hearing is notified seven working days ahead (Art. 64)
    NoticeTooShort => "notice_too_short",
    /// a penalty is never raised because the party defended (Art. 45(2))
    PenaltyRaised => "penalty_raised",
    /// 首违不罚 rests on the party's correction, recorded first (Art. 33)
    CorrectionRequired => "correction_required",
    /// the case is suspended (中止): resume it first
    CaseSuspended => "case_suspended",
    /// the period for this has ended
    PeriodEnded => "period_ended",
    /// the party's period to state a defence or ask for a hearing has not ended
    PeriodNotEnded => "period_not_ended",
    /// a hearing is presided over by someone who did not investigate (Art. 64)
    PresiderInvestigated => "presider_investigated",
    /// the legal reviewer is an officer on the case (Art. 58)
    ReviewerOnCase => "reviewer_on_case",
    /// a reviewer's first review needs the legal professional qualification
    ReviewerUnqualified => "reviewer_unqualified",
    /// a collective discussion names at least two leaders
    TooFewLeaders => "too_few_leaders",
    /// not a SHA-256 in hexadecimal
    InvalidHash => "invalid_hash",
    /// an uploaded record's content is not the registered number of bytes
    ContentSizeMismatch => "content_size_mismatch",
    /// an uploaded record's content does not have the registered SHA-256
    ContentHashMismatch => "content_hash_mismatch",
    /// a record's stored content no longer matches its registered size and SHA-256
    RecordContentCorrupt => "record_content_corrupt",
    /// a record's content is stored once and never replaced
    RecordContentStored => "record_content_stored",
    /// a record's content has not been uploaded
    RecordContentMissing => "record_content_missing",
    /// a dispatch is returned only within the sign-for limit
    ReturnTooLate => "return_too_late",
    /// a complaint's reply is extended once only
    ExtensionAlreadyAsked => "extension_already_asked",
    /// an extension is asked for before the reply falls due
    ExtensionTooLate => "extension_too_late",
    /// no extension or return waits for a decision
    NothingToDecide => "nothing_to_decide",
    /// the cursor is older than the feed keeps; start again from `oldest_after`
    CursorExpired => "cursor_expired",
    /// a request closed as anonymous left no way to reach the requester
    NotAnonymous => "not_anonymous",
    /// a record entered after the fact cannot have happened in the future
    OccurredInFuture => "occurred_in_future",
    /// a step entered after the fact cannot have happened before the step it follows, or before receipt
    OccurredOutOfOrder => "occurred_out_of_order",
    /// a record entered after the fact is older than the window kept open for the past
    OccurredBeforeWindow => "occurred_before_window",
    /// an unsatisfied follow-up sends the complaint back to handling, not to closing
    UnsatisfiedFollowUp => "unsatisfied_follow_up",
    /// a duplicate is merged into an earlier complaint that is no duplicate itself
    InvalidDuplicate => "invalid_duplicate",
    /// this complaint was not dispatched to a unit the caller acts for
    NotHandlingUnit => "not_handling_unit",
    /// a complaint is escalated to enforcement once
    AlreadyEscalated => "already_escalated",
    /// the routing list has no line for the request; dispatch it by hand
    NoRoute => "no_route",
    /// a report about enforcement conduct never goes to the unit it names
    NamedInReport => "named_in_report",
    /// this step needs an audio or video record first (Art. 47)
    RecordingRequired => "recording_required",
    /// the publication was withdrawn already
    AlreadyWithdrawn => "already_withdrawn",
    /// the case's decision was published already
    AlreadyPublished => "already_published",
    /// only a decided penalty is published
    NotDecided => "not_decided",
    /// nothing was published for this case
    NotPublished => "not_published",
    /// the simple procedure's fines are smaller: use the general procedure (Art. 51)
    AboveSimpleProcedure => "above_simple_procedure",
    /// a fine is collected on the spot only up to 100 yuan (Arts. 68, 69)
    AboveSpotCollection => "above_spot_collection",
    /// this officer was recused already
    AlreadyRecused => "already_recused",
    /// the person is recused from this case (Art. 43)
    OfficerRecused => "officer_recused",
    /// a seizure is in force already
    SeizureInForce => "seizure_in_force",
    /// no seizure is in force
    NoSeizure => "no_seizure",
    /// a seizure is extended once only (行政强制法 Art. 25)
    SeizureExtensionUsed => "seizure_extension_used",
    /// the seizure ran out before it was extended (Art. 25)
    SeizureLapsed => "seizure_lapsed",
    /// no announced demolition is waiting
    NoDemolitionNotice => "no_demolition_notice",
    /// the party's period to remove it themselves has not ended (Art. 44)
    RemovalPeriodRunning => "removal_period_running",
    /// never on a public holiday or a day off (行政强制法 Art. 43)
    NotOnHoliday => "not_on_holiday",
    /// never at night (行政强制法 Art. 43)
    NotAtNight => "not_at_night",
    /// this deadline was moved already
    AlreadyExtended => "already_extended",
    /// the fine is not yet due
    NotYetDue => "not_yet_due",
    /// the court is asked after a written demand (催告, 行政强制法 Art. 54)
    DemandRequired => "demand_required",
    /// the court is asked ten days after the demand (Art. 54)
    DemandPeriodRunning => "demand_period_running",
    /// the party's time to sue has not run out (Art. 53)
    AppealPeriodRunning => "appeal_period_running",
    /// the three months to ask the court have passed (Art. 53)
    CourtWindowPassed => "court_window_passed",
    /// this was decided already
    AlreadyDecided => "already_decided",
    /// the party has a penalty on record: not a first violation (Art. 33)
    NotFirstViolation => "not_first_violation",
    /// only the complaint's desk (its township, or the county) takes this step
    NotDesk => "not_desk",
    /// a pushed ticket is re-pushed only by the system that pushed it
    TicketNotYours => "ticket_not_yours",
    /// a decision's penalty is heavier than the one notified: notify again first (Art. 45)
    PenaltyAboveNotice => "penalty_above_notice",
    /// a period of ten days or fewer under 行政强制法 is counted in working days (Art. 69)
    WorkingDaysRequired => "working_days_required",
    /// the order the decision gives has not fallen due
    OrderNotDue => "order_not_due",
    /// the 催告's period to perform has not ended (行政强制法 Art. 37)
    PerformancePeriodRunning => "performance_period_running",
    /// the party is heard on the 催告 before the enforcement decision (行政强制法 Art. 36)
    StatementRequired => "statement_required",
    /// forced execution needs a written 强制执行决定 served first (行政强制法 Art. 37)
    EnforcementDecisionRequired => "enforcement_decision_required",
    /// the party applied for 复议 or sued, and it has not concluded
    AppealPending => "appeal_pending",
    /// the decision was set aside or changed on appeal
    DecisionSetAside => "decision_set_aside",
    /// the decision after a hearing rests on its 笔录, registered first (Art. 65)
    HearingRecordRequired => "hearing_record_required",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_is_written_once_in_snake_case_and_reads_back() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{text}"
            );
            assert_eq!(Code::parse(text), Some(*code));
            assert!(!code.description().is_empty(), "{text} has no description");
        }
        assert_eq!(Code::parse("no_such_code"), None);
    }
}
