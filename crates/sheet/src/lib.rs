//! Lists as townships keep them: CSV or .xlsx in, .xlsx out. A table is its
//! header row and data rows of text cells.

use calamine::DataRef;
use fazhi_platform::Code;
use fazhi_platform::{Error, ErrorKind};

/// The file formats lists come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn from_code(code: &str) -> Option<Format> {
        match code {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

mod csv;
pub mod rows;
mod xlsx;

/// What one uploaded list may hold. Every bound is checked while reading,
/// before memory is spent on what lies past it: an attacker sends the worst file.
pub mod limits {
    /// Data rows (the header not counted).
    pub const MAX_ROWS: usize = 100_000;
    /// Columns: the complaint ledger has 25, the other lists eight at most.
    pub const MAX_COLUMNS: usize = 32;
    /// Cells holding anything, over the whole sheet: the complaint ledger
    /// full at its most rows.
    pub const MAX_CELLS: usize = 26 * (MAX_ROWS + 1);
    /// Bytes of text in one cell.
    pub const MAX_CELL_BYTES: usize = 4 * 1024;
    /// Bytes of text over all cells (a shared string repeated is counted each time).
    pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;
    /// Members of an .xlsx archive.
    pub const MAX_ZIP_MEMBERS: usize = 1_000;
    /// Uncompressed bytes of one .xlsx archive member.
    pub const MAX_MEMBER_BYTES: u64 = 64 * 1024 * 1024;
    /// Uncompressed bytes of all .xlsx archive members together.
    pub const MAX_UNCOMPRESSED_BYTES: u64 = 128 * 1024 * 1024;
}

fn unreadable(message: impl Into<String>) -> Error {
    Error::invalid_field("content", Code::UnreadableFile, message)
}

/// A file past one of [`limits`]: a rule the upload breaks (422), naming the limit.
fn too_big(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::RuleViolation, Code::FileLimitExceeded, message).with_field("content")
}

/// The rows of the file (the header first) with their 1-based row numbers
/// in the file, each cell trimmed; blank rows dropped.
pub fn read(format: Format, content: &[u8]) -> Result<Vec<(usize, Vec<String>)>, Error> {
    let mut table = Table::default();
    match format {
        Format::Csv => csv::read(content, &mut table)?,
        Format::Xlsx => xlsx::read(content, &mut table)?,
    }
    Ok(table.rows)
}

/// The non-blank rows read so far, with the running counts every limit is checked on.
#[derive(Default)]
struct Table {
    rows: Vec<(usize, Vec<String>)>,
    cells: usize,
    text_bytes: usize,
}

impl Table {
    /// Checks one cell against the limits before it is kept.
    fn admit(&mut self, row: usize, column: usize, text: &str) -> Result<(), Error> {
        use limits::*;
        if row > MAX_ROWS + 1 {
            return Err(too_big(format!(
                "row {row}: a file holds at most {MAX_ROWS} rows after the header"
            )));
        }
        if column >= MAX_COLUMNS {
            return Err(too_big(format!(
                "row {row}: a file holds at most {MAX_COLUMNS} columns"
            )));
        }
        if text.len() > MAX_CELL_BYTES {
            return Err(too_big(format!(
                "row {row}: a cell holds at most {MAX_CELL_BYTES} bytes"
            )));
        }
        self.cells += 1;
        self.text_bytes += text.len();
        if self.cells > MAX_CELLS {
            return Err(too_big(format!("a file holds at most {MAX_CELLS} cells")));
        }
        if self.text_bytes > MAX_TEXT_BYTES {
            return Err(too_big(format!(
                "a file holds at most {} MiB of text",
                MAX_TEXT_BYTES / (1024 * 1024)
            )));
        }
        Ok(())
    }

    /// Keeps a finished row unless it is blank. `row` is 1-based.
    fn push(&mut self, row: usize, cells: Vec<String>) -> Result<(), Error> {
        if cells.iter().all(String::is_empty) {
            return Ok(());
        }
        if self.rows.len() > limits::MAX_ROWS {
            return Err(too_big(format!(
                "a file holds at most {} rows after the header",
                limits::MAX_ROWS
            )));
        }
        self.rows.push((row, cells));
        Ok(())
    }
}

fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_owned(),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => {
            // Excel's day count: 1899-12-30 is day 0.
            let days = d.as_f64().floor() as i64;
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| base.checked_add_signed(chrono::Duration::days(days)))
                .map(|date| date.to_string())
                .unwrap_or_default()
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.trim().to_owned(),
        DataRef::Error(_) => String::new(),
    }
}

/// A cell of a written worksheet: text (codes, names, ID numbers stay
/// text) or a number a spreadsheet can sum.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

/// An .xlsx file of one worksheet: the header in bold, then the rows, as text.
pub fn write_xlsx(sheet: &str, header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, Error> {
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| r.iter().map(|v| Cell::Text(v.clone())).collect())
        .collect();
    write_xlsx_cells(sheet, header, &cells)
}

/// An .xlsx file of one worksheet: the header in bold, then the rows, each
/// cell text or a number as given.
pub fn write_xlsx_cells(
    sheet: &str,
    header: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let mut book = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let text = CellFormat::new().set_num_format("@");
    let worksheet = book.add_worksheet();
    worksheet.set_name(sheet).map_err(Error::internal)?;
    for (c, title) in header.iter().enumerate() {
        worksheet
            .write_string_with_format(0, c as u16, *title, &bold)
            .map_err(Error::internal)?;
        worksheet
            .set_column_width(c as u16, 16)
            .map_err(Error::internal)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            match value {
                Cell::Text(value) => worksheet
                    .write_string_with_format(r as u32 + 1, c as u16, value, &text)
                    .map(|_| ()),
                Cell::Number(n) => worksheet
                    .write_number(r as u32 + 1, c as u16, *n)
                    .map(|_| ()),
            }
            .map_err(Error::internal)?;
        }
    }
    book.save_to_buffer().map_err(Error::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_trimmed_and_blank_rows_dropped() {
        let rows = read(
            Format::Csv,
            "\u{feff}身份证号,学时\n 1 , 2.5 \n,\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(
            rows,
            vec![
                (1, vec!["身份证号".to_owned(), "学时".to_owned()]),
                (2, vec!["1".to_owned(), "2.5".to_owned()])
            ]
        );
    }

    #[test]
    fn an_xlsx_written_here_reads_back_the_same() {
        let rows = vec![
            vec!["41162419900101123X".to_owned(), "2.5".to_owned()],
            vec!["411624199001011248".to_owned(), "20".to_owned()],
        ];
        let bytes = write_xlsx("学时", &["身份证号", "学时"], &rows).unwrap();
        let back = read(Format::Xlsx, &bytes).unwrap();
        assert_eq!(back[0].1, vec!["身份证号", "学时"]);
        let data: Vec<Vec<String>> = back[1..].iter().map(|(_, r)| r.clone()).collect();
        assert_eq!(data, rows);
    }

    #[test]
    fn garbage_is_not_a_spreadsheet() {
        let err = read(Format::Xlsx, b"not a zip").unwrap_err();
        assert_eq!(err.code, "unreadable_file");
    }

    /// An .xlsx written here with one member's text rewritten, or one member added.
    fn tampered(edit: impl Fn(&str, String) -> String, extra: Option<(&str, &[u8])>) -> Vec<u8> {
        use std::io::{Read, Write};
        let original = write_xlsx(
            "人员",
            &["身份证号", "学时"],
            &[vec!["1".into(), "2".into()]],
        )
        .unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(original)).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..archive.len() {
            let mut member = archive.by_index(i).unwrap();
            let name = member.name().unwrap().into_owned();
            let mut text = String::new();
            member.read_to_string(&mut text).unwrap();
            out.start_file(name.as_str(), options).unwrap();
            out.write_all(edit(&name, text).as_bytes()).unwrap();
        }
        if let Some((name, bytes)) = extra {
            out.start_file(name, options).unwrap();
            out.write_all(bytes).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    fn code(content: &[u8]) -> fazhi_platform::Code {
        read(Format::Xlsx, content).unwrap_err().code
    }

    #[test]
    fn a_sheet_declaring_the_whole_grid_is_refused_before_it_is_read() {
        let bomb = tampered(
            |name, text| {
                if name.ends_with("sheet1.xml") {
                    text.replace(
                        "<dimension ref=\"A1:B2\"/>",
                        "<dimension ref=\"A1:XFD1048576\"/>",
                    )
                } else {
                    text
                }
            },
            None,
        );
        assert!(bomb.len() < 16 * 1024);
        assert_eq!(code(&bomb), "file_limit_exceeded");
    }

    #[test]
    fn a_cell_far_outside_the_declared_grid_is_refused() {
        let bomb = tampered(
            |name, text| {
                if name.ends_with("sheet1.xml") {
                    text.replace(
                        "</sheetData>",
                        "<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row></sheetData>",
                    )
                } else {
                    text
                }
            },
            None,
        );
        let err = read(Format::Xlsx, &bomb).unwrap_err();
        assert_eq!(err.code, "file_limit_exceeded");
        assert!(err.message.contains("100000 rows"), "{}", err.message);
    }

    #[test]
    fn a_table_of_a_million_empty_shared_strings_declaring_one_is_refused() {
        // The attack: a small file whose table holds far more (empty)
        // entries than it declares; each would become a string in memory.
        let flood = "<si/>".repeat(limits::MAX_CELLS + 1);
        let bomb = tampered(
            |name, text| {
                if name.ends_with("sharedStrings.xml") {
                    text.replacen("</sst>", &format!("{flood}</sst>"), 1)
                } else {
                    text
                }
            },
            None,
        );
        assert!(bomb.len() < 200 * 1024, "{} bytes", bomb.len());
        let err = read(Format::Xlsx, &bomb).unwrap_err();
        assert_eq!(err.code, "file_limit_exceeded");
        assert!(err.message.contains("shared strings"), "{}", err.message);
    }

    #[test]
    fn a_declared_count_of_a_billion_shared_strings_is_refused() {
        let bomb = tampered(
            |name, text| {
                if name.ends_with("sharedStrings.xml") {
                    text.replacen("count=", "uniqueCount=\"1000000000000\" x=", 1)
                } else {
                    text
                }
            },
            None,
        );
        assert_eq!(code(&bomb), "file_limit_exceeded");
    }

    #[test]
    fn a_member_that_inflates_past_its_limit_is_refused() {
        let zeros = vec![b'0'; limits::MAX_MEMBER_BYTES as usize + 1];
        let bomb = tampered(|_, text| text, Some(("xl/media/padding.xml", &zeros)));
        assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
        assert_eq!(code(&bomb), "file_limit_exceeded");
    }

    #[test]
    fn a_csv_past_the_row_limit_stops_at_the_limit() {
        let flood = "a\n".repeat(limits::MAX_ROWS + 2);
        let err = read(Format::Csv, flood.as_bytes()).unwrap_err();
        assert_eq!(err.code, "file_limit_exceeded");
        assert_eq!(err.kind, ErrorKind::RuleViolation);
        let exactly = "a\n".repeat(limits::MAX_ROWS + 1);
        assert_eq!(
            read(Format::Csv, exactly.as_bytes()).unwrap().len(),
            limits::MAX_ROWS + 1
        );
    }

    #[test]
    fn a_csv_row_too_wide_or_a_cell_too_long_is_refused() {
        let wide = ",".repeat(limits::MAX_COLUMNS) + "x\n";
        assert_eq!(
            read(Format::Csv, wide.as_bytes()).unwrap_err().code,
            "file_limit_exceeded"
        );
        let long = "x".repeat(limits::MAX_CELL_BYTES + 1);
        assert_eq!(
            read(Format::Csv, long.as_bytes()).unwrap_err().code,
            "file_limit_exceeded"
        );
    }
}
