//! The demo county (`fazhi serve --demo`, `fazhi demo load`): an empty data
//! directory filled through the services' own APIs with a county of five
//! townships — 老城镇 shaped like the township report Fazhi serves — and
//! last year and this year of training, complaints and cases, so a new user
//! sees a living dashboard at once. The division register, the township
//! registers and two accounts to log in with go into the gateway's store.

use chrono::{Datelike, NaiveDate};
use fazhi_identity::{
    manage,
    store::{NamedDivision, RegisterEntry, Store},
};
use fazhi_platform::grpc::Channel;
use fazhi_platform::{
    DivisionCode,
    auth::{Caller, InternalKey, Role},
    config::GrpcClientSettings,
    grpc, time,
};
use fazhi_proto::{
    cases::v1::case_service_client::CaseServiceClient,
    complaints::v1::complaint_service_client::ComplaintServiceClient,
    training::v1::training_service_client::TrainingServiceClient,
};

mod cases;
mod complaints;
pub(crate) mod run;
mod shape;
mod training;

use shape::{COUNTY, Dice, TOWNSHIPS};

/// Where the services listen.
pub struct Endpoints {
    pub cases: String,
    pub complaints: String,
    pub training: String,
}

/// The services' clients and the identity the demo acts as.
pub struct Clients {
    cases: CaseServiceClient<Channel>,
    complaints: ComplaintServiceClient<Channel>,
    training: TrainingServiceClient<Channel>,
    key: InternalKey,
    caller: Caller,
}

impl Clients {
    fn sign<T>(&self, msg: T) -> tonic::Request<T> {
        let mut request = self.key.request(&self.caller, msg);
        request.set_timeout(std::time::Duration::from_secs(120));
        request
    }
}

/// An account to log in with, its password shown once.
pub struct DemoAccount {
    pub username: String,
    pub password: String,
    pub what: &'static str,
}

/// What was loaded.
pub struct Loaded {
    pub accounts: Vec<DemoAccount>,
    pub complaints: usize,
    pub cases: usize,
    pub officers: usize,
}

/// Whether the gateway's store holds nothing yet: no division registered and
/// no account but the administrator created on the first start.
pub async fn is_empty(store: &Store, county: &DivisionCode) -> anyhow::Result<bool> {
    Ok(store.list_accounts(county, "", 2).await?.len() <= 1
        && store.divisions_under(county).await?.is_empty())
}

/// Loads the demo county. Refuses when the store already holds accounts or divisions.
pub async fn load(
    store: &Store,
    endpoints: &Endpoints,
    grpc_settings: &GrpcClientSettings,
    key: InternalKey,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Loaded> {
    let county = DivisionCode::parse(COUNTY.0).map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(
        is_empty(store, &county).await?,
        "the data directory already holds accounts or registered divisions: the demo fills only a new one"
    );
    let channel = |endpoint: &str| grpc::connect_lazy(endpoint, grpc_settings);
    let mut clients = Clients {
        cases: CaseServiceClient::new(channel(&endpoints.cases)?),
        complaints: ComplaintServiceClient::new(channel(&endpoints.complaints)?),
        training: TrainingServiceClient::new(channel(&endpoints.training)?)
            .max_decoding_message_size(fazhi_training::MAX_MESSAGE),
        key,
        caller: Caller {
            subject: "demo".into(),
            roles: vec![Role::Staff, Role::Leader, Role::CountyOverseer],
            scope: county.clone(),
            source: None,
        },
    };
    let today = time::china_date(now);
    divisions(store).await?;
    registers(store, today).await?;
    cases::power_item(
        &clients,
        TOWNSHIPS.iter().map(|t| t.code.to_owned()).collect(),
        today,
    )
    .await?;
    let mut loaded = Loaded {
        accounts: Vec::new(),
        complaints: 0,
        cases: 0,
        officers: 0,
    };
    for (index, township) in TOWNSHIPS.iter().enumerate() {
        let mut dice = Dice::new(index as u64 + 7);
        tracing::info!(township = township.name, "loading the demo township");
        let certified = training::load(&mut clients, township, index, today, &mut dice).await?;
        loaded.officers += township.officers;
        let villages = shape::villages(township);
        loaded.complaints +=
            complaints::load(&clients, township, &villages, now, &mut dice).await?;
        loaded.cases +=
            cases::load(&clients, township, index, &certified, today, &mut dice).await?;
    }
    loaded.accounts = accounts(store, &county).await?;
    Ok(loaded)
}

async fn divisions(store: &Store) -> anyhow::Result<()> {
    let code = |c: &str| DivisionCode::parse(c).map_err(|e| anyhow::anyhow!("{c}: {e}"));
    let mut all = vec![NamedDivision {
        code: code(COUNTY.0)?,
        name: COUNTY.1.to_owned(),
    }];
    for t in TOWNSHIPS {
        all.push(NamedDivision {
            code: code(t.code)?,
            name: t.name.to_owned(),
        });
        for (village, name) in shape::villages(t) {
            all.push(NamedDivision {
                code: code(&village)?,
                name,
            });
        }
    }
    store.put_divisions(&all).await?;
    Ok(())
}

/// The registers the report's other sections read: normative documents
/// filed and reviewed, the township's plans and every village's, a legal
/// adviser per village, and 西关社区 a national demonstration village.
fn entry(
    register: &str,
    division: &str,
    title: String,
    dated: NaiveDate,
) -> anyhow::Result<RegisterEntry> {
    Ok(RegisterEntry {
        id: uuid::Uuid::now_v7().to_string(),
        register: register.to_owned(),
        division_code: DivisionCode::parse(division).map_err(|e| anyhow::anyhow!("{e}"))?,
        title,
        dated: dated.to_string(),
        number: None,
        filed_on: None,
        reviewed_on: None,
        corrected_on: None,
        kind: None,
        organisation: None,
        created_by: "demo".to_owned(),
        version: 1,
    })
}

async fn registers(store: &Store, today: NaiveDate) -> anyhow::Result<()> {
    let mut entries = Vec::new();
    let on = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(today).min(today);
    let kind = |mut e: RegisterEntry, kind: &str| {
        e.kind = Some(kind.to_owned());
        e
    };
    for t in TOWNSHIPS {
        for year in [today.year() - 1, today.year()] {
            let documents = [
                ("村庄规划建设管理办法", 2),
                ("农村人居环境整治实施方案", 5),
                ("矛盾纠纷多元化解工作规定", 8),
            ];
            for (n, (title, month)) in documents.into_iter().enumerate() {
                let Some(issued) = NaiveDate::from_ymd_opt(year, month, 10).filter(|d| *d <= today)
                else {
                    continue;
                };
                let short: String = t.name.chars().take(2).collect();
                let mut doc = entry(
                    "normative_document",
                    t.code,
                    format!("{}{title}", t.name),
                    issued,
                )?;
                doc.number = Some(format!("{short}政〔{year}〕{}号", 10 + n * 7));
                let filed = issued + chrono::Duration::days(5);
                let reviewed = issued + chrono::Duration::days(15);
                if filed <= today {
                    doc.filed_on = Some(filed.to_string());
                }
                if reviewed <= today && n != 2 {
                    doc.reviewed_on = Some(reviewed.to_string());
                }
                entries.push(doc);
            }
            if NaiveDate::from_ymd_opt(year, 3, 1).is_some_and(|d| d <= today) {
                let revised = on(year, 3, 1);
                let general = format!("{}{year}年突发事件总体应急预案", t.name);
                let special = format!("{}{year}年防汛专项应急预案", t.name);
                entries.push(kind(
                    entry("emergency_plan", t.code, general, revised)?,
                    "general",
                ));
                entries.push(kind(
                    entry("emergency_plan", t.code, special, revised)?,
                    "special",
                ));
            }
        }
        for (i, (village, name)) in shape::villages(t).into_iter().enumerate() {
            let dated = on(today.year() - 1, 4, 1 + (i % 20) as u32);
            let plan = entry(
                "emergency_plan",
                &village,
                format!("{name}突发事件应急预案"),
                dated,
            )?;
            entries.push(kind(plan, "general"));
            let lawyer = format!("{}律师", ["王", "李", "张", "刘", "陈"][i % 5]);
            let mut adviser = entry("legal_adviser", &village, lawyer, dated)?;
            adviser.organisation = Some("河南沈丘某律师事务所".into());
            entries.push(adviser);
        }
    }
    let xiguan = format!("{}201", TOWNSHIPS[0].code);
    let honour = entry(
        "demonstration_village",
        &xiguan,
        "全国民主法治示范村".into(),
        on(today.year() - 3, 12, 1),
    )?;
    entries.push(kind(honour, "national"));
    store.insert_register_entries(&entries).await?;
    Ok(())
}

/// A county overseer and 老城镇's leader, each with a new password.
async fn accounts(store: &Store, county: &DivisionCode) -> anyhow::Result<Vec<DemoAccount>> {
    let operator = Caller {
        subject: "demo".into(),
        roles: vec![Role::Admin],
        scope: county.clone(),
        source: None,
    };
    let mut made = Vec::new();
    for (username, role, division, what) in [
        (
            "demo.county",
            "county_overseer",
            COUNTY.0,
            "全县监督（县司法局）",
        ),
        ("demo.laocheng", "leader", TOWNSHIPS[0].code, "老城镇领导"),
    ] {
        let password = fazhi_identity::accounts::generate_password();
        manage::create_account(
            store,
            &operator,
            manage::NewAccount {
                username: username.into(),
                password: password.clone(),
                roles: vec![role.into()],
                division_code: division.into(),
                person_id: None,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        made.push(DemoAccount {
            username: username.into(),
            password,
            what,
        });
    }
    Ok(made)
}
