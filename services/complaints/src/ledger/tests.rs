use super::*;

fn row(pairs: &[(&str, &str)]) -> Vec<String> {
    let mut cells = vec![String::new(); COLUMNS.len()];
    for (key, value) in pairs {
        cells[at(key)] = (*value).to_owned();
    }
    cells
}

fn base() -> Vec<(&'static str, &'static str)> {
    vec![
        ("external_id", "GD2025030200017"),
        ("source", "county-12345"),
        ("received_at", "2025-03-02 09:15"),
        ("channel", "12345热线"),
        ("request_type", "投诉"),
        ("category", "违法建设"),
        ("content", "西关村有人违法建房"),
        ("address", "老城镇西关村"),
        ("division_code", "411624100"),
    ]
}

#[test]
fn times_are_read_as_ledgers_write_them_in_china_time() {
    let at = |text| parse_time(text).map(time::to_rfc3339);
    let nine = Some("2025-03-02T09:15:00+08:00".to_owned());
    assert_eq!(at("2025-03-02 09:15"), nine);
    assert_eq!(at("2025/3/2 9:15"), nine);
    assert_eq!(at("2025-03-02 09:15:00"), nine);
    assert_eq!(at("2025-03-02T01:15:00Z"), nine);
    assert_eq!(
        at("2025-03-02"),
        Some("2025-03-02T00:00:00+08:00".to_owned())
    );
    assert_eq!(at("3月2日"), None);
    assert_eq!(at("2025-02-30 09:00"), None);
}

#[test]
fn a_row_becomes_its_steps_in_the_order_they_happened() {
    let mut cells = base();
    cells.extend([
        ("dispatched_at", "2025-03-02 10:00"),
        ("unit", "411624100001"),
        ("returned_at", "2025-03-02 11:00"),
        ("return_reason", "非本单位职责"),
        ("accepted_at", "2025-03-02 14:00"),
        ("extended_at", "2025-03-10 09:00"),
        ("extension_days", "5"),
        ("replied_at", "2025-03-20 16:00"),
        ("reply", "已责令拆除"),
        ("visited_at", "2025-03-21 10:00"),
        ("resolved", "是"),
        ("satisfaction", "基本满意"),
        ("closed_at", "2025-03-21 11:00"),
    ]);
    let (entries, problems) = read(&[(1, Vec::new()), (2, row(&cells))]);
    assert!(problems.is_empty(), "{problems:?}");
    let kinds: Vec<&str> = entries[0].steps.iter().map(|d| d.step.kind()).collect();
    assert_eq!(
        kinds,
        [
            "dispatched",
            "returned",
            "dispatched",
            "accepted",
            "extension_requested",
            "extension_approved",
            "replied",
            "visited",
            "closed"
        ]
    );
    assert_eq!(entries[0].new.category, "illegal_construction");
}

#[test]
fn every_bad_cell_is_named_against_its_row() {
    let mut cells = base();
    cells.retain(|(k, _)| *k != "received_at");
    cells.extend([
        ("channel", "电报"),
        ("satisfaction", "满意"),
        ("replied_at", "2025-03-20 16:00"),
        ("dispatched_at", "昨天"),
    ]);
    let (_, problems) = read(&[(1, Vec::new()), (7, row(&cells))]);
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    for field in [
        "received_at",
        "channel",
        "satisfaction",
        "reply",
        "dispatched_at",
    ] {
        assert!(fields.contains(&field), "{field} in {problems:?}");
    }
    assert!(problems.iter().all(|p| p.row == 7));
}

#[test]
fn a_requester_not_visited_is_closed_with_the_reason_written_as_the_rating() {
    let mut cells = base();
    cells.extend([
        ("satisfaction", "联系不上"),
        ("closed_at", "2025-03-25 10:00"),
    ]);
    let (entries, problems) = read(&[(1, Vec::new()), (2, row(&cells))]);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(matches!(
        entries[0].steps.last().map(|d| &d.step),
        Some(Step::Close {
            without_visit: Some(NoVisit::Unreachable)
        })
    ));
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// A cell of a ledger column: a plausible value of that column, or text
    /// of any kind.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            ".{0,24}",
            "20[0-9]{2}[-/][01]?[0-9][-/][0-3]?[0-9]( [0-2]?[0-9]:[0-5][0-9](:[0-5][0-9])?)?",
            "[0-9]{6,12}",
            prop::sample::select(vec![
                "12345热线",
                "投诉",
                "违法建设",
                "满意",
                "不满意",
                "是",
                "否",
                "county-12345",
            ])
            .prop_map(str::to_owned),
            Just(String::new()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        /// Whatever a ledger's rows hold, reading them never panics; each
        /// row is an entry or has problems, and every problem names a row
        /// of the ledger.
        #[test]
        fn any_ledger_rows_read_as_entries_or_problems_of_their_own_rows(
            rows in prop::collection::vec(
                prop::collection::vec(cell(), 0..COLUMNS.len() + 3),
                1..12,
            ),
        ) {
            let mut table = vec![(1, COLUMNS.iter().map(|(key, _)| (*key).to_owned()).collect::<Vec<_>>())];
            table.extend(rows.into_iter().enumerate().map(|(i, cells)| (i + 2, cells)));
            let (entries, problems) = read(&table);
            let troubled: std::collections::BTreeSet<usize> = problems.iter().map(|p| p.row).collect();
            prop_assert!(problems.iter().all(|p| (2..=table.len()).contains(&p.row)));
            prop_assert_eq!(entries.len() + troubled.len(), table.len() - 1);
        }
    }
}
