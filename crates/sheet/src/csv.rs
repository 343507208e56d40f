//! CSV lists, read record by record: the limits stop the reading at the first
//! record past them, so a flood of lines costs no more memory than the cap.

use fazhi_platform::Error;

use super::{Table, unreadable};

pub(super) fn read(content: &[u8], table: &mut Table) -> Result<(), Error> {
    let text = content.strip_prefix(b"\xef\xbb\xbf").unwrap_or(content);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut record = ::csv::ByteRecord::new();
    let mut row = 0;
    loop {
        row += 1;
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => return Err(unreadable(format!("row {row}: not valid CSV ({e})"))),
        }
        let mut cells = Vec::with_capacity(record.len().min(super::limits::MAX_COLUMNS));
        for (column, field) in record.iter().enumerate() {
            let text = std::str::from_utf8(field)
                .map_err(|_| unreadable(format!("row {row}: not UTF-8 text")))?
                .trim();
            table.admit(row, column, text)?;
            cells.push(text.to_owned());
        }
        table.push(row, cells)?;
    }
}
