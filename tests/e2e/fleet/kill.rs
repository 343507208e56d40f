//! A complaints replica killed under reads and writes: callers get 503s
//! only, reads are asked of the other replica, and every gateway's health
//! gauge for the dead one drops.

use super::*;

#[tokio::test]
async fn a_replica_killed_under_traffic_costs_503s_only_and_its_gauge_drops() {
    let Some(mut fleet) = Fleet::start(2, &[]).await else {
        return; // Needs PostgreSQL: every replica of a service shares one database.
    };
    let staff = Client::new(fleet.gateway_urls()).township_staff().await;
    let (status, created) = staff
        .post("/api/v1/complaints", &complaint_body(), None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/api/v1/complaints/{}", created["id"].as_str().unwrap());

    // Readers of the complaint and clients taking new ones in, through
    // both gateways, while one of the two complaints replicas is killed
    // among them: a read it did not answer is asked of the other, a write
    // it did not answer is 503 (the client retries it with its key).
    let (stop, answered) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
    );
    let mut readers = Vec::new();
    for worker in 0..8_usize {
        let (staff, path, stop, answered) =
            (staff.clone(), path.clone(), stop.clone(), answered.clone());
        readers.push(tokio::spawn(async move {
            let mut statuses = HashMap::<u16, usize>::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let (status, _) = if worker.is_multiple_of(2) {
                    staff.get(&path).await
                } else {
                    let key = format!("killed-{worker}-{n}");
                    staff
                        .post("/api/v1/complaints", &complaint_body(), Some(&key))
                        .await
                };
                *statuses.entry(status.as_u16()).or_default() += 1;
                answered.fetch_add(1, Ordering::Relaxed);
            }
            statuses
        }));
    }
    let wait_for = |n: usize| {
        let answered = answered.clone();
        async move {
            while answered.load(Ordering::Relaxed) < n {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    };
    wait_for(200).await;
    let killed = fleet.replicas("complaints")[0].url();
    fleet.replicas("complaints")[0].kill();
    let before = answered.load(Ordering::Relaxed);
    wait_for(before + 400).await;
    stop.store(true, Ordering::Relaxed);
    let mut statuses = HashMap::<u16, usize>::new();
    for reader in readers {
        for (status, n) in reader.await.unwrap() {
            *statuses.entry(status).or_default() += n;
        }
    }
    eprintln!("answers while one complaints replica was killed: {statuses:?}");
    assert!(
        statuses.keys().all(|s| [200, 201, 503].contains(s)),
        "only 200, 201 or 503: {statuses:?}"
    );
    let served = [200, 201]
        .iter()
        .filter_map(|s| statuses.get(s))
        .sum::<usize>();
    assert!(served > 400, "{statuses:?}");

    // Each gateway says so: its gauge for the killed replica drops to 0.
    let http = reqwest::Client::new();
    let gauge = format!("fazhi_replica_serving{{replica=\"{killed}\"}} 0");
    for gateway in &fleet.gateways {
        let metrics = format!("http://127.0.0.1:{}/metrics", gateway.metrics_port);
        let until = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let text = http
                .get(&metrics)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if text.contains(&gauge) {
                break;
            }
            assert!(
                std::time::Instant::now() < until,
                "no {gauge} on {metrics}:\n{}",
                text.lines()
                    .filter(|l| l.starts_with("fazhi_replica_serving"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
