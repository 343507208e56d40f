//! .xlsx lists. An .xlsx file is a zip archive whose parts declare their own
//! sizes, dimensions and counts, all of which an attacker writes: before the
//! workbook is parsed, every member is inflated into a counter (not memory)
//! to learn its real size, and the shared-string count the parser would
//! reserve room for is read and bounded. The first worksheet is then read
//! cell by cell, each checked against the limits before it is kept.

use std::io::{Cursor, Read};

use calamine::{Reader, Xlsx};
use fazhi_platform::Error;

use super::{Table, cell_text, limits::*, too_big, unreadable};

pub(super) fn read(content: &[u8], table: &mut Table) -> Result<(), Error> {
    check_archive(content)?;
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(content)).map_err(|_| unreadable("not a readable .xlsx file"))?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| unreadable("the .xlsx file has no worksheet"))?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| unreadable("the first worksheet cannot be read"))?;
    let declared = cells.dimensions();
    if declared.end.0 as usize > MAX_ROWS || declared.end.1 as usize >= MAX_COLUMNS {
        return Err(too_big(format!(
            "the worksheet declares {} rows and {} columns; a file holds at most {} rows after \
             the header and {MAX_COLUMNS} columns",
            declared.end.0 as u64 + 1,
            declared.end.1 as u64 + 1,
            MAX_ROWS
        )));
    }
    // Cells come in row order; a row is complete when the next one starts.
    let mut current: Option<(usize, Vec<String>)> = None;
    loop {
        let cell = cells
            .next_cell()
            .map_err(|_| unreadable("the first worksheet cannot be read"))?;
        let Some(cell) = cell else { break };
        let (r, c) = cell.get_position();
        let (row, column) = (r as usize + 1, c as usize);
        let text = cell_text(cell.get_value());
        table.admit(row, column, &text)?;
        if current.as_ref().is_some_and(|(n, _)| *n != row)
            && let Some((n, done)) = current.take()
        {
            if row < n {
                return Err(unreadable(format!(
                    "row {row} comes after row {n}: rows must be in order"
                )));
            }
            table.push(n, done)?;
        }
        let (_, values) = current.get_or_insert_with(|| (row, Vec::new()));
        if values.len() <= column {
            values.resize(column + 1, String::new());
        }
        values[column] = text;
    }
    if let Some((n, done)) = current {
        table.push(n, done)?;
    }
    Ok(())
}

/// Bounds the archive by what it really holds, not what it says it holds.
fn check_archive(content: &[u8]) -> Result<(), Error> {
    let mut archive = zip::ZipArchive::new(Cursor::new(content))
        .map_err(|_| unreadable("not a readable .xlsx file"))?;
    if archive.len() > MAX_ZIP_MEMBERS {
        return Err(too_big(format!(
            "an .xlsx file holds at most {MAX_ZIP_MEMBERS} parts"
        )));
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut member = archive
            .by_index(i)
            .map_err(|_| unreadable("not a readable .xlsx file"))?;
        let shared_strings = member
            .name()
            .map(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
            .unwrap_or(false);
        if member.size() > MAX_MEMBER_BYTES {
            return Err(member_too_big());
        }
        let mut head = Vec::new();
        let size = if shared_strings {
            // The parser reserves room for the declared count of strings.
            (&mut member)
                .take(HEAD_BYTES)
                .read_to_end(&mut head)
                .map_err(|_| unreadable("not a readable .xlsx file"))?;
            check_string_count(&head)?;
            head.len() as u64
        } else {
            0
        };
        // The parser keeps every entry of the table, each a string of its
        // own however empty: count them as they really are.
        let mut entries = StringCounter::default();
        if shared_strings {
            entries.feed(&head)?;
        }
        let mut rest = 0u64;
        let mut buffer = vec![0u8; 64 * 1024];
        let mut limited = (&mut member).take(MAX_MEMBER_BYTES + 1 - size);
        loop {
            let n = limited
                .read(&mut buffer)
                .map_err(|_| unreadable("not a readable .xlsx file"))?;
            if n == 0 {
                break;
            }
            if shared_strings {
                entries.feed(&buffer[..n])?;
            }
            rest += n as u64;
        }
        let size = size + rest;
        if size > MAX_MEMBER_BYTES {
            return Err(member_too_big());
        }
        total += size;
        if total > MAX_UNCOMPRESSED_BYTES {
            return Err(too_big(format!(
                "an .xlsx file unpacks to at most {} MiB",
                MAX_UNCOMPRESSED_BYTES / (1024 * 1024)
            )));
        }
    }
    Ok(())
}

/// Counts the entries (`<si>`, `<si/>`, or with a namespace prefix
/// `<x:si>`) of a shared-string table as it streams past, refusing more
/// than a file may hold cells.
#[derive(Default)]
struct StringCounter {
    count: u64,
    /// The bytes since the last `<` that may still open an entry's tag.
    tail: Vec<u8>,
}

impl StringCounter {
    fn feed(&mut self, bytes: &[u8]) -> Result<(), Error> {
        for &b in bytes {
            if b == b'<' {
                self.tail.clear();
                self.tail.push(b);
                continue;
            }
            if self.tail.is_empty() {
                continue;
            }
            let name = &self.tail[1..];
            let ends_name = b == b'>' || b == b'/' || b.is_ascii_whitespace();
            if ends_name {
                let local = name.rsplit(|c| *c == b':').next().unwrap_or(name);
                if local == b"si" {
                    self.count += 1;
                    if self.count > MAX_CELLS as u64 {
                        return Err(too_big(format!(
                            "the .xlsx file holds more than {MAX_CELLS} shared strings; a file \
                             holds at most {MAX_CELLS} cells"
                        )));
                    }
                }
                self.tail.clear();
            } else if self.tail.len() < 64 {
                self.tail.push(b);
            } else {
                self.tail.clear();
            }
        }
        Ok(())
    }
}

/// Where the shared-string table's opening tag must lie.
const HEAD_BYTES: u64 = 64 * 1024;

fn member_too_big() -> Error {
    too_big(format!(
        "a part of an .xlsx file unpacks to at most {} MiB",
        MAX_MEMBER_BYTES / (1024 * 1024)
    ))
}

/// The `count` and `uniqueCount` of `<sst …>` must not exceed the cell limit.
fn check_string_count(head: &[u8]) -> Result<(), Error> {
    let text = String::from_utf8_lossy(head);
    let Some(start) = text.find("<sst") else {
        if head.len() as u64 >= HEAD_BYTES {
            return Err(unreadable(
                "the shared strings of the .xlsx file do not start where expected",
            ));
        }
        return Ok(()); // an empty or foreign part: the parser rejects it
    };
    let tag = &text[start..text[start..].find('>').map_or(text.len(), |e| start + e)];
    for attribute in ["uniqueCount=\"", "count=\""] {
        for (at, _) in tag.match_indices(attribute) {
            let digits: String = tag[at + attribute.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let count = digits.parse::<u64>().unwrap_or(u64::MAX);
            if count > MAX_CELLS as u64 {
                return Err(too_big(format!(
                    "the .xlsx file declares {digits} shared strings; a file holds at most \
                     {MAX_CELLS} cells"
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so a failing case is
    /// found again from its seed.
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n.max(1)
        }
    }

    /// Entries in every form a writer may use, and tags that are not entries.
    fn generated_table(random: &mut Random) -> (String, u64) {
        let forms = [
            "<si/>",
            "<si></si>",
            "<si><t>法</t></si>",
            "<x:si/>",
            "<si\n/>",
        ];
        let noise = ["<sic/>", "<s/>", "<t>si</t>", "<x:sis/>", "<!-- si -->"];
        let mut text = String::from("<sst count=\"1\">");
        let mut entries = 0;
        for _ in 0..random.below(400) {
            if random.below(3) == 0 {
                text.push_str(noise[random.below(noise.len() as u64) as usize]);
            } else {
                text.push_str(forms[random.below(forms.len() as u64) as usize]);
                entries += 1;
            }
        }
        text.push_str("</sst>");
        (text, entries)
    }

    #[test]
    fn the_counter_finds_every_entry_however_the_table_is_cut() {
        for seed in 1..=300u64 {
            let mut random = Random(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let (table, entries) = generated_table(&mut random);
            let bytes = table.as_bytes();
            let mut counter = StringCounter::default();
            let mut at = 0;
            while at < bytes.len() {
                let step = 1 + random.below(16) as usize;
                let end = (at + step).min(bytes.len());
                counter.feed(&bytes[at..end]).unwrap();
                at = end;
            }
            assert_eq!(counter.count, entries, "seed {seed}: {table}");
        }
    }
}
