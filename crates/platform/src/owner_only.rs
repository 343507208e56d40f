//! What Fazhi keeps on disk (databases, keys, records' content) holds names,
//! phone numbers and secrets: the directories it makes and the database files
//! it creates are readable by the account it runs as alone, whatever the
//! umask it was started with.

use std::path::Path;

/// Creates `dir` and any missing parent, each made here readable by its
/// owner alone; one that exists keeps its mode.
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates the empty file `path` readable by its owner alone, unless it
/// exists. SQLite gives a database's log and shared-memory files the mode of
/// the database file, so a database begun here stays its owner's.
pub fn create_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}

/// Makes `path`, which exists, readable by its owner alone: 0700 for a
/// directory, 0600 for a file (a backup's copies, whatever their source's
/// mode was).
pub fn restrict(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if std::fs::metadata(path)?.is_dir() {
            0o700
        } else {
            0o600
        };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn directories_and_files_made_here_are_the_owners_alone() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("data/records");
        create_dir(&dir).unwrap();
        assert_eq!(mode(&root.path().join("data")), 0o700);
        assert_eq!(mode(&dir), 0o700);
        let file = dir.join("cases.db");
        create_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        // One that exists is left as it is, content and mode.
        std::fs::write(&file, b"kept").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        create_file(&file).unwrap();
        assert_eq!(
            (mode(&file), std::fs::read(&file).unwrap()),
            (0o640, b"kept".to_vec())
        );
        // Restricted, an existing one is its owner's whatever it was.
        restrict(&file).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        restrict(&dir).unwrap();
        assert_eq!((mode(&file), mode(&dir)), (0o600, 0o700));
    }
}
