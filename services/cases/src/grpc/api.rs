//! The cases service's state, and finding the case a call names within the
//! caller's divisions.

use std::sync::Arc;

use fazhi_calendar::Calendar;
use fazhi_platform::{Error, auth::Caller};

use super::{Certifier, imports};
use crate::{
    content::ContentStore,
    domain::{Case, CaseRules},
    store::Store,
};

pub struct CasesApi {
    pub(super) store: Store,
    pub(super) content: ContentStore,
    /// Lists being parsed now (at most [`imports::CONCURRENT_IMPORTS`]).
    pub(super) imports: Arc<tokio::sync::Semaphore>,
    pub(super) certifier: Certifier,
    pub(super) calendar: Arc<Calendar>,
    pub(super) rules: CaseRules,
    pub(super) clock: fazhi_platform::clock::SharedClock,
}

impl CasesApi {
    pub fn new(
        store: Store,
        content: ContentStore,
        certifier: Certifier,
        calendar: Arc<Calendar>,
        rules: CaseRules,
        clock: fazhi_platform::clock::SharedClock,
    ) -> Self {
        Self {
            store,
            content,
            imports: Arc::new(tokio::sync::Semaphore::new(imports::CONCURRENT_IMPORTS)),
            certifier,
            calendar,
            rules,
            clock,
        }
    }

    /// The case at the version the caller read (ABORTED naming the current
    /// one), within the caller's divisions.
    pub(super) async fn case_at(
        &self,
        caller: &Caller,
        id: &str,
        version: i64,
    ) -> Result<Case, Error> {
        let case = self.case_in_scope(caller, id).await?;
        if case.version != version {
            return Err(Error::stale_version("case", case.version, version));
        }
        Ok(case)
    }

    /// The case, if it exists within the caller's divisions (NOT_FOUND otherwise).
    pub(super) async fn case_in_scope(&self, caller: &Caller, id: &str) -> Result<Case, Error> {
        let id = Error::lookup_id("case", id)?;
        self.store
            .case(id)
            .await?
            .filter(|c| caller.sees(&c.division))
            .ok_or_else(|| Error::not_found("case"))
    }
}
