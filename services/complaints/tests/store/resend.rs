//! Escalations sent again after a restore: a delivered message made due
//! again is claimed again, its complaint naming no lead meanwhile, and only
//! a delivered one is made due.

use super::*;
use fazhi_complaints::{
    relay::Escalation,
    store::outbox::{ESCALATION, Message},
};

/// `c` escalated through the store, as the service escalates it, its
/// message written in the same transaction.
async fn escalate(store: &Store, c: &Complaint, at: DateTime<Utc>) -> Complaint {
    let lead = domain::Lead {
        party_kind: "person".into(),
        party_name: "王五".into(),
        party_id_number: String::new(),
        act_on: "2026-06-01".parse().unwrap(),
        continuing: true,
        facts: "违法建房".into(),
    };
    let payload = Escalation {
        complaint_id: c.id.clone(),
        division_code: c.division_code.as_str().to_owned(),
        lead: lead.clone(),
        discovered_on: at.date_naive(),
    };
    let message = Message {
        id: uuid::Uuid::now_v7().to_string(),
        topic: ESCALATION,
        complaint_id: c.id.clone(),
        payload: serde_json::to_string(&payload).unwrap(),
        trace_context: String::new(),
    };
    advance(
        store,
        c,
        domain::Step::Escalate { lead },
        at,
        None,
        Some(&message),
    )
    .await
}

#[tokio::test]
async fn a_delivered_escalation_made_due_again_is_claimed_again_once() {
    let lease = std::time::Duration::from_secs(30);
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let now = Utc::now();
        let mut escalated = Vec::new();
        for _ in 0..3 {
            let c = complaint("411624100", now - Duration::hours(1), Channel::Web);
            store.insert(c.clone(), None).await.unwrap();
            escalated.push(escalate(&store, &c, now - Duration::minutes(30)).await);
        }
        let claimed = store.claim(Utc::now(), lease, 10).await.unwrap();
        assert_eq!(claimed.len(), 3, "{}", db.backend());
        for (n, message) in claimed.iter().enumerate() {
            store
                .delivered(message, &format!("lead-{n}"))
                .await
                .unwrap();
        }
        // Two pages of two, in message order.
        let first = store.delivered_escalations("", 2).await.unwrap();
        let rest = store.delivered_escalations(&first[1].id, 2).await.unwrap();
        assert_eq!((first.len(), rest.len()), (2, 1), "{}", db.backend());
        let lacking = &first[..1];
        let lead = |id: String| {
            let store = store.clone();
            async move {
                sqlx::query_scalar::<_, Option<String>>(
                    "SELECT lead_id FROM complaints WHERE id = $1",
                )
                .bind(id)
                .fetch_one(store.database().pool())
                .await
                .unwrap()
            }
        };
        assert!(lead(lacking[0].complaint_id.clone()).await.is_some());

        assert_eq!(store.resend(lacking).await.unwrap(), 1, "{}", db.backend());
        assert_eq!(lead(lacking[0].complaint_id.clone()).await, None);
        // Made due once: asked again before its delivery, nothing changes.
        assert_eq!(store.resend(lacking).await.unwrap(), 0, "{}", db.backend());
        let again = store.claim(Utc::now(), lease, 10).await.unwrap();
        assert_eq!(again.len(), 1, "{}", db.backend());
        assert_eq!(again[0].complaint_id, lacking[0].complaint_id);
        assert_eq!(again[0].attempts, 1, "{}", db.backend());
        store.delivered(&again[0], "lead-again").await.unwrap();
        assert_eq!(
            lead(lacking[0].complaint_id.clone()).await.as_deref(),
            Some("lead-again")
        );
        assert_eq!(store.delivered_escalations("", 10).await.unwrap().len(), 3);
    }
}
