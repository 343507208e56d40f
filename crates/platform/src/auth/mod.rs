//! Who is calling and what they may do.
//!
//! The gateway authenticates people and systems, then sends every service a
//! short-lived internal token naming the caller, their roles and the division
//! they are scoped to. Services verify it ([`RequireCaller`]) and enforce
//! the same [`allows`] matrix and division scope on their own data, so a
//! mistake in one layer is caught by the other.
//!
//! The matrix here is the one written in `ARCHITECTURE.md`; a test in the
//! gateway compares the two.

use std::fmt;

use crate::{DivisionCode, Error, ErrorKind};

pub(crate) mod internal;

pub use internal::{
    IDENTITY_HEADER, InternalKey, MAX_TOKEN_LIFETIME, RequireCaller, RequireCallerLayer, caller,
    random_hex, secret_from,
};

/// A role an account, API key or external identity holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Anyone, without an account (public endpoints only).
    Citizen,
    /// Township staff (工作人员): intake and handling of requests.
    Staff,
    /// Enforcement officer (执法人员).
    Officer,
    /// Legal reviewer (法制审核人员).
    LegalReviewer,
    /// Leader (负责人) who signs decisions.
    Leader,
    /// County overseer (县司法局 / 县政府): figures and oversight.
    CountyOverseer,
    /// Administrator of accounts, keys and the audit log.
    Admin,
    /// Another system pushing tickets (a county 12345 platform): pushes and
    /// follows its own source's tickets, masked; takes no workflow step.
    Integration,
    /// A statistics system: summaries, warnings, reports and metrics; no
    /// personal record.
    StatisticsReader,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Citizen,
        Role::Staff,
        Role::Officer,
        Role::LegalReviewer,
        Role::Leader,
        Role::CountyOverseer,
        Role::Admin,
        Role::Integration,
        Role::StatisticsReader,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Staff => "staff",
            Role::Officer => "officer",
            Role::LegalReviewer => "legal_reviewer",
            Role::Leader => "leader",
            Role::CountyOverseer => "county_overseer",
            Role::Admin => "admin",
            Role::Integration => "integration",
            Role::StatisticsReader => "statistics_reader",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Roles an account or key can be given (`citizen` is what anyone is).
    pub fn assignable(self) -> bool {
        self != Role::Citizen
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Parses a list of role codes, refusing unknown, duplicate and unassignable ones.
pub fn parse_roles(field: &str, codes: &[String]) -> Result<Vec<Role>, Error> {
    if codes.is_empty() {
        return Err(Error::invalid_field(
            field,
            crate::Code::Required,
            format!("{field} must name at least one role"),
        ));
    }
    let mut roles = Vec::with_capacity(codes.len());
    for code in codes {
        let role = Role::from_code(code)
            .filter(|r| r.assignable())
            .ok_or_else(|| {
                Error::invalid_field(
                    field,
                    crate::Code::UnknownRole,
                    format!("{code:?} is not a role (staff, officer, legal_reviewer, leader, county_overseer, admin, integration, statistics_reader)"),
                )
            })?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    roles.sort();
    Ok(roles)
}

/// What a caller may do, resource by resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Submit a complaint through the public endpoint.
    ComplaintSubmit,
    /// Follow one complaint by tracking code and phone digits.
    ComplaintTrack,
    /// Record a complaint from any channel.
    ComplaintCreate,
    /// Push another platform's tickets (and re-push them).
    ComplaintPush,
    /// Read and list complaints (personal data masked).
    ComplaintRead,
    /// Read complainants' names and phone numbers unmasked (audited).
    ComplaintReadPersonal,
    /// Route complaints (派单), hand off, merge duplicates, follow up, close, reopen.
    ComplaintDispatch,
    /// Handle what was dispatched to one's unit: sign for, return, ask for an extension, reply.
    ComplaintHandle,
    /// Decide extensions and supervise (督办).
    ComplaintSupervise,
    /// Enter a complaint or a step after the fact, with the time it
    /// happened (audited): a township's leaders and the county.
    ComplaintRecordPast,
    /// County oversight figures.
    OversightRead,
    /// The audit log of unmasked reads and identity changes.
    AuditRead,
    /// Accounts: create, list, disable.
    AccountManage,
    /// API keys: create, list, revoke.
    ApiKeyManage,
    /// People, training, exams, certificates and outreach: read, and ask
    /// whether someone is certified.
    TrainingRead,
    /// Record people, training sessions, exams and outreach.
    TrainingManage,
    /// Issue, suspend, reinstate, revoke and review certificates.
    CertificateManage,
    /// Read cases, their history and the power list.
    CaseRead,
    /// Record leads and the investigation's records.
    CaseManage,
    /// File a case, decline a lead, terminate a case (the leader's approval).
    CaseDecide,
    /// Legal review of a case's decision (法制审核).
    CaseReview,
    /// Keep the power list (权限清单): the county's.
    PowerManage,
    /// Read published enforcement decisions (公示): anyone's.
    PublicationRead,
    /// Keep the register of divisions by name: the county's.
    DivisionManage,
    /// Keep the township's registers for its annual report: normative
    /// documents, emergency plans, legal advisers, demonstration villages.
    RegisterManage,
}

impl Permission {
    pub const ALL: [Permission; 25] = [
        Permission::ComplaintSubmit,
        Permission::ComplaintTrack,
        Permission::ComplaintCreate,
        Permission::ComplaintPush,
        Permission::ComplaintRead,
        Permission::ComplaintReadPersonal,
        Permission::ComplaintDispatch,
        Permission::ComplaintHandle,
        Permission::ComplaintSupervise,
        Permission::ComplaintRecordPast,
        Permission::DivisionManage,
        Permission::RegisterManage,
        Permission::OversightRead,
        Permission::AuditRead,
        Permission::AccountManage,
        Permission::ApiKeyManage,
        Permission::TrainingRead,
        Permission::TrainingManage,
        Permission::CertificateManage,
        Permission::CaseRead,
        Permission::CaseManage,
        Permission::CaseDecide,
        Permission::CaseReview,
        Permission::PowerManage,
        Permission::PublicationRead,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Permission::ComplaintSubmit => "complaint.submit",
            Permission::ComplaintTrack => "complaint.track",
            Permission::ComplaintCreate => "complaint.create",
            Permission::ComplaintPush => "complaint.push",
            Permission::ComplaintRead => "complaint.read",
            Permission::ComplaintReadPersonal => "complaint.read_personal",
            Permission::ComplaintDispatch => "complaint.dispatch",
            Permission::ComplaintHandle => "complaint.handle",
            Permission::ComplaintSupervise => "complaint.supervise",
            Permission::ComplaintRecordPast => "complaint.record_past",
            Permission::DivisionManage => "division.manage",
            Permission::RegisterManage => "register.manage",
            Permission::OversightRead => "oversight.read",
            Permission::AuditRead => "audit.read",
            Permission::AccountManage => "account.manage",
            Permission::ApiKeyManage => "api_key.manage",
            Permission::TrainingRead => "training.read",
            Permission::TrainingManage => "training.manage",
            Permission::CertificateManage => "certificate.manage",
            Permission::CaseRead => "case.read",
            Permission::CaseManage => "case.manage",
            Permission::CaseDecide => "case.decide",
            Permission::CaseReview => "case.review",
            Permission::PowerManage => "power.manage",
            Permission::PublicationRead => "publication.read",
        }
    }

    /// Roles granted this permission (within their division scope).
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Permission::ComplaintSubmit
            | Permission::ComplaintTrack
            | Permission::PublicationRead => &Role::ALL,
            Permission::ComplaintCreate => &[Staff, Officer, Leader, Admin],
            Permission::ComplaintPush => &[Staff, Officer, Leader, Admin, Integration],
            Permission::ComplaintRead => &[
                Staff,
                Officer,
                LegalReviewer,
                Leader,
                CountyOverseer,
                Admin,
                Integration,
            ],
            Permission::ComplaintReadPersonal => &[Staff, Officer, Leader],
            Permission::ComplaintDispatch => &[Staff, Leader, CountyOverseer, Admin],
            Permission::ComplaintHandle => &[Staff, Officer, Leader],
            Permission::ComplaintSupervise => &[Leader, CountyOverseer, Admin],
            Permission::ComplaintRecordPast => &[Leader, CountyOverseer, Admin],
            Permission::OversightRead => &[Leader, CountyOverseer, Admin, StatisticsReader],
            Permission::AuditRead | Permission::AccountManage | Permission::ApiKeyManage => {
                &[Admin]
            }
            Permission::TrainingRead => {
                &[Staff, Officer, LegalReviewer, Leader, CountyOverseer, Admin]
            }
            Permission::TrainingManage => &[Staff, Leader, CountyOverseer, Admin],
            Permission::CertificateManage => &[CountyOverseer, Admin],
            Permission::CaseRead => &[Staff, Officer, LegalReviewer, Leader, CountyOverseer, Admin],
            Permission::CaseManage => &[Staff, Officer, Leader, Admin],
            Permission::CaseDecide => &[Leader, Admin],
            Permission::CaseReview => &[LegalReviewer, Admin],
            Permission::PowerManage | Permission::DivisionManage => &[CountyOverseer, Admin],
            Permission::RegisterManage => &[Staff, Leader, CountyOverseer, Admin],
        }
    }
}

/// Whether any of `roles` grants `permission`.
pub fn allows(roles: &[Role], permission: Permission) -> bool {
    roles.iter().any(|r| permission.roles().contains(r))
}

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// `account:<username>`, `api_key:<id>`, `oidc:<sub>` or `citizen`.
    pub subject: String,
    pub roles: Vec<Role>,
    /// The division the caller acts for; they see it and every division under it.
    pub scope: DivisionCode,
    /// For a system bound to one platform (an `integration` key): the
    /// `source` whose tickets alone it pushes and reads.
    pub source: Option<String>,
}

impl Caller {
    /// An anonymous member of the public, able to reach records of `county`
    /// through the public endpoints only.
    pub fn citizen(county: DivisionCode) -> Self {
        Self {
            subject: "citizen".into(),
            roles: vec![Role::Citizen],
            scope: county,
            source: None,
        }
    }

    pub fn may(&self, permission: Permission) -> bool {
        allows(&self.roles, permission)
    }

    /// PERMISSION_DENIED unless the caller holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), Error> {
        if self.may(permission) {
            Ok(())
        } else {
            Err(forbidden(permission))
        }
    }

    /// Whether `division` is the caller's own or lies under it.
    pub fn sees(&self, division: &DivisionCode) -> bool {
        self.scope.contains(division)
    }

    /// [`Caller::narrow`] to a division code given as text in `field`
    /// (empty: none asked), read first.
    pub fn narrow_code(&self, field: &str, text: &str) -> Result<DivisionCode, Error> {
        self.narrow(field, DivisionCode::parse_optional_field(field, text)?)
    }

    /// The division a list or count covers: the caller's whole scope when
    /// none is asked for, the asked one when it lies inside the scope.
    pub fn narrow(&self, field: &str, asked: Option<DivisionCode>) -> Result<DivisionCode, Error> {
        match asked {
            None => Ok(self.scope.clone()),
            Some(division) if self.sees(&division) => Ok(division),
            Some(division) => Err(out_of_scope(field, &division)),
        }
    }

    /// Refuses a record of `division` (written, or asked for by a filter)
    /// outside the caller's scope.
    pub fn check_writes(&self, field: &str, division: &DivisionCode) -> Result<(), Error> {
        if self.sees(division) {
            Ok(())
        } else {
            Err(out_of_scope(field, division))
        }
    }
}

pub fn forbidden(permission: Permission) -> Error {
    Error::new(
        ErrorKind::PermissionDenied,
        crate::Code::Forbidden,
        format!("your role does not allow {}", permission.code()),
    )
}

fn out_of_scope(field: &str, division: &DivisionCode) -> Error {
    Error::new(
        ErrorKind::PermissionDenied,
        crate::Code::DivisionOutOfScope,
        format!("division {division} is outside the divisions you act for"),
    )
    .with_field(field)
}

/// Reads a role list from its comma-separated codes (as stored).
pub fn roles_from_codes(codes: &str) -> Vec<Role> {
    codes.split(',').filter_map(Role::from_code).collect()
}

/// Comma-separated role codes (as stored).
pub fn roles_to_codes(roles: &[Role]) -> String {
    roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn officer() -> Caller {
        Caller {
            subject: "account:li".into(),
            roles: vec![Role::Officer],
            scope: DivisionCode::parse("411624100").unwrap(),
            source: None,
        }
    }

    #[test]
    fn scope_covers_the_division_and_what_lies_under_it() {
        let caller = officer();
        let own = DivisionCode::parse("411624100").unwrap();
        let village = DivisionCode::parse("411624100201").unwrap();
        let other = DivisionCode::parse("411624101").unwrap();
        let county = DivisionCode::parse("411624").unwrap();
        assert!(caller.sees(&own) && caller.sees(&village));
        assert!(!caller.sees(&other) && !caller.sees(&county));
        assert_eq!(caller.narrow("d", None).unwrap(), own);
        assert_eq!(caller.narrow("d", Some(village.clone())).unwrap(), village);
        assert_eq!(
            caller.narrow("d", Some(county)).unwrap_err().code,
            "division_out_of_scope"
        );
    }

    #[test]
    fn role_lists_refuse_unknown_and_citizen() {
        assert_eq!(
            parse_roles("roles", &["staff".into(), "officer".into(), "staff".into()]).unwrap(),
            vec![Role::Staff, Role::Officer]
        );
        for bad in [vec![], vec!["citizen".to_owned()], vec!["root".to_owned()]] {
            assert!(parse_roles("roles", &bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn personal_data_is_for_the_roles_that_handle_requests() {
        assert!(allows(&[Role::Staff], Permission::ComplaintReadPersonal));
        assert!(!allows(&[Role::Admin], Permission::ComplaintReadPersonal));
        assert!(!allows(
            &[Role::CountyOverseer],
            Permission::ComplaintReadPersonal
        ));
        assert!(allows(&[Role::Citizen], Permission::ComplaintSubmit));
        assert!(!allows(&[Role::Citizen], Permission::ComplaintRead));
    }
}
