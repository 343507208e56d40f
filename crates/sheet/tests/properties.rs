//! The list readers as properties: whatever bytes arrive, reading answers a
//! table within the limits or a clear error — never a panic — and a table
//! written as .xlsx (or as quoted CSV) reads back cell for cell.

use fazhi_platform::ErrorKind;
use fazhi_sheet::{Format, limits, read, write_xlsx};
use proptest::prelude::*;

/// A cell as a township types it: any text, trimmed as the reader trims it.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\u{0}]{0,30}",
        "[0-9]{1,18}",
        "[\u{4e00}-\u{9fa5}]{1,12}",
        Just(String::new()),
    ]
    .prop_map(|s| s.trim().to_owned())
}

/// A table: a header row of distinct names, then rows of the same width with
/// at least one non-empty cell (blank rows are dropped when read).
fn table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
    (1usize..8).prop_flat_map(|width| {
        let header = prop::collection::vec("[a-z]{1,8}", width).prop_map(|names| {
            names
                .into_iter()
                .enumerate()
                .map(|(i, n)| format!("{n}{i}"))
                .collect::<Vec<_>>()
        });
        let row = prop::collection::vec(cell(), width)
            .prop_filter("a row with something in it", |r| {
                r.iter().any(|c| !c.is_empty())
            });
        (header, prop::collection::vec(row, 0..20))
    })
}

fn quoted_csv(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let line = |cells: &[String]| {
        cells
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut out = line(header);
    for row in rows {
        out.push_str("\r\n");
        out.push_str(&line(row));
    }
    out.into_bytes()
}

/// Only the file's own fault: unreadable (400) or past a limit (422).
fn refused_cleanly(error: &fazhi_platform::Error) -> bool {
    matches!(
        error.kind,
        ErrorKind::InvalidArgument | ErrorKind::RuleViolation
    )
}

fn within_limits(rows: &[(usize, Vec<String>)]) -> bool {
    rows.len() <= limits::MAX_ROWS + 1
        && rows.iter().all(|(_, cells)| {
            cells.len() <= limits::MAX_COLUMNS
                && cells.iter().all(|c| c.len() <= limits::MAX_CELL_BYTES)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_read_as_csv_give_rows_within_the_limits_or_a_clear_error(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        match read(Format::Csv, &bytes) {
            Ok(rows) => prop_assert!(within_limits(&rows)),
            Err(error) => prop_assert!(refused_cleanly(&error), "{error:?}"),
        }
    }

    #[test]
    fn a_table_written_as_quoted_csv_reads_back((header, rows) in table()) {
        let read_back = read(Format::Csv, &quoted_csv(&header, &rows)).unwrap();
        let cells: Vec<Vec<String>> = read_back.into_iter().map(|(_, cells)| cells).collect();
        let mut expected = vec![header];
        expected.extend(rows);
        prop_assert_eq!(cells, expected);
    }

    #[test]
    fn a_table_written_as_xlsx_reads_back((header, rows) in table()) {
        let names: Vec<&str> = header.iter().map(String::as_str).collect();
        let bytes = write_xlsx("表", &names, &rows).unwrap();
        let read_back = read(Format::Xlsx, &bytes).unwrap();
        let cells: Vec<Vec<String>> = read_back
            .into_iter()
            .map(|(_, mut cells)| {
                // A row's trailing empty cells are not stored in the file.
                cells.resize(header.len(), String::new());
                cells
            })
            .collect();
        let mut expected = vec![header];
        expected.extend(rows);
        prop_assert_eq!(cells, expected);
    }

    #[test]
    fn an_xlsx_damaged_anywhere_gives_rows_within_the_limits_or_a_clear_error(
        (header, rows) in table(),
        damage in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
    ) {
        let names: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut bytes = write_xlsx("表", &names, &rows).unwrap();
        for (at, byte) in damage {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        match read(Format::Xlsx, &bytes) {
            Ok(rows) => prop_assert!(within_limits(&rows)),
            Err(error) => prop_assert!(refused_cleanly(&error), "{error:?}"),
        }
    }
}
