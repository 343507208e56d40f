//! The feed keeps a number of days of steps: older positions are forgotten
//! (their events stay in each complaint's timeline), never one whose
//! delivery to a platform is still owed, and a cursor before the oldest
//! kept position has expired.

use chrono::{DateTime, Utc};
use fazhi_platform::{Error, time};

use super::Store;

impl Store {
    /// Forgets up to `batch` feed positions committed before `cutoff`, and
    /// the acknowledged deliveries among them; the position the feed is
    /// pruned through afterwards. Safe beside other relays: one of two
    /// pruning at once changes nothing.
    pub async fn prune_feed(&self, cutoff: DateTime<Utc>, batch: i64) -> Result<i64, Error> {
        let (_, from) = self.feed_head().await?;
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT position, committed_at FROM complaint_feed WHERE position > $1 \
             ORDER BY position LIMIT $2",
        )
        .bind(from)
        .bind(batch)
        .fetch_all(self.db.pool())
        .await?;
        let cutoff = time::to_micros(cutoff);
        let mut through = rows
            .iter()
            .take_while(|(_, at)| *at < cutoff)
            .last()
            .map_or(from, |(position, _)| *position);
        let owed: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(position) FROM complaint_deliveries WHERE delivered_at IS NULL",
        )
        .fetch_one(self.db.pool())
        .await?;
        if let Some(owed) = owed {
            through = through.min(owed - 1);
        }
        if through <= from {
            return Ok(from);
        }
        let mut tx = self.db.pool().begin().await?;
        let moved = sqlx::query(
            "UPDATE complaint_feed_head SET pruned_through = $1 WHERE id = 1 AND pruned_through = $2",
        )
        .bind(through)
        .bind(from)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            // Another relay pruned meanwhile: where it got to.
            tx.rollback().await?;
            return Ok(self.feed_head().await?.1);
        }
        sqlx::query("DELETE FROM complaint_feed WHERE position > $1 AND position <= $2")
            .bind(from)
            .bind(through)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM complaint_deliveries WHERE position <= $1 AND delivered_at IS NOT NULL",
        )
        .bind(through)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(through)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use fazhi_calendar::Calendar;

    use super::*;
    use crate::domain::{self, Channel, Complaint, NewComplaint, ReplyRules, RequestType};
    use crate::store::feed::FeedFilter;
    use crate::store::workflow::{Step, append_event};

    fn complaint(at: DateTime<Utc>) -> Complaint {
        let mut c = domain::intake(
            NewComplaint {
                channel: Channel::Hotline12345,
                request_type: RequestType::Complaint,
                category: "illegal_construction".into(),
                content: "违法建房".into(),
                address: "西关村".into(),
                division_code: "411624100".into(),
                complainant_name: None,
                complainant_phone: None,
                urgent: false,
                concerns_unit: None,
                concerns_officer: None,
            },
            at,
            &Calendar::official(),
            &ReplyRules::default(),
            uuid::Uuid::now_v7().to_string(),
            domain::new_tracking_code(),
        )
        .unwrap();
        c.ticket = Some(domain::Ticket {
            source: "county_12345".into(),
            external_id: c.id.clone(),
        });
        c
    }

    /// One step of `c` recorded at `at`.
    async fn step(store: &Store, c: &Complaint, at: DateTime<Utc>) {
        let mut tx = store.database().pool().begin().await.unwrap();
        append_event(
            &mut tx,
            c,
            c,
            Step {
                actor: "account:desk",
                kind: "supervised",
                note: "",
                detail: "{}".into(),
                at,
                entered: None,
                by_platform: false,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn the_feed_forgets_old_positions_but_never_a_delivery_still_owed() {
        for db in fazhi_testkit::databases().await {
            let store = Store::open(db.url(), db.data_dir()).await.unwrap();
            let start: DateTime<Utc> = "2026-01-05T02:00:00Z".parse().unwrap();
            let c = complaint(start);
            store.insert(c.clone(), None).await.unwrap();
            // Ten steps a day apart: positions 1 to 10.
            for day in 0..10 {
                step(&store, &c, start + Duration::days(day)).await;
            }
            let cutoff = start + Duration::days(6);
            // In batches: at most 4 positions a call, and never a newer one.
            assert_eq!(store.prune_feed(cutoff, 4).await.unwrap(), 4);
            assert_eq!(store.prune_feed(cutoff, 4).await.unwrap(), 6);
            assert_eq!(store.prune_feed(cutoff, 4).await.unwrap(), 6);
            let page = store.feed(6, &FeedFilter::default(), 100).await.unwrap();
            assert_eq!(page.oldest, 6);
            let positions: Vec<i64> = page.events.iter().map(|e| e.position).collect();
            assert_eq!(positions, [7, 8, 9, 10]);
            assert_eq!(
                store.timeline(&c.id).await.unwrap().len(),
                10,
                "the timeline keeps all"
            );

            // A platform's endpoint: steps 11 and 12 are owed to it; the
            // one acknowledged goes with its position, the other holds it.
            store
                .put_endpoint(&crate::store::deliveries::DeliveryEndpoint {
                    source: "county_12345".into(),
                    url: "https://12345.example.cn/hook".into(),
                    key_id: "k1".into(),
                    secret: "s".into(),
                    created_at: start,
                    created_by: "account:admin".into(),
                })
                .await
                .unwrap();
            step(&store, &c, start + Duration::days(11)).await;
            step(&store, &c, start + Duration::days(12)).await;
            store
                .acknowledged_all(&[11], start + Duration::days(12))
                .await
                .unwrap();
            let later = start + Duration::days(30);
            assert_eq!(store.prune_feed(later, 100).await.unwrap(), 11);
            let (waiting, _) = store.delivery_backlog().await.unwrap();
            assert_eq!(waiting, 1, "position 12 is still owed");
            store.acknowledged_all(&[12], later).await.unwrap();
            assert_eq!(store.prune_feed(later, 100).await.unwrap(), 12);
        }
    }
}
