//! Lists as townships keep them: CSV or .xlsx in, .xlsx out. A table is its
//! header row and data rows of text cells.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use fazhi_platform::Error;

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

/// Most data rows in one file.
pub const MAX_ROWS: usize = 100_000;

fn unreadable(message: impl Into<String>) -> Error {
    Error::invalid_field("content", "unreadable_file", message)
}

/// The rows of the file (the header first) with their 1-based row numbers
/// in the file, each cell trimmed; blank rows dropped.
pub fn read(format: Format, content: &[u8]) -> Result<Vec<(usize, Vec<String>)>, Error> {
    let rows = match format {
        Format::Csv => read_csv(content)?,
        Format::Xlsx => read_xlsx(content)?,
    };
    let rows: Vec<(usize, Vec<String>)> = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect();
    if rows.len() > MAX_ROWS + 1 {
        return Err(unreadable(format!("a file holds at most {MAX_ROWS} rows")));
    }
    Ok(rows)
}

fn read_csv(content: &[u8]) -> Result<Vec<Vec<String>>, Error> {
    let text = content.strip_prefix(b"\xef\xbb\xbf").unwrap_or(content);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| unreadable(format!("row {}: not valid CSV ({e})", i + 1)))?;
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(rows)
}

fn read_xlsx(content: &[u8]) -> Result<Vec<Vec<String>>, Error> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(content)).map_err(|_| unreadable("not a readable .xlsx file"))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable("the .xlsx file has no worksheet"))?
        .map_err(|_| unreadable("the first worksheet cannot be read"))?;
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            // Excel's day count: 1899-12-30 is day 0.
            let days = d.as_f64().floor() as i64;
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| base.checked_add_signed(chrono::Duration::days(days)))
                .map(|date| date.to_string())
                .unwrap_or_default()
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    }
}

/// An .xlsx file of one worksheet: the header in bold, then the rows, as text.
pub fn write_xlsx(sheet: &str, header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, Error> {
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
            worksheet
                .write_string_with_format(r as u32 + 1, c as u16, value, &text)
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
}
