//! Reading input files: regular files only, and never more than a limit.
//!
//! A device such as `/dev/zero` reports no size and never ends, and opening a
//! FIFO blocks until someone writes to it: both are refused by what they
//! are, before they are opened, and a file is read to at most its limit plus
//! one byte, whatever its reported size.

use std::io::{self, Read};
use std::path::Path;

/// The contents of the regular file `path`, of at most `limit` bytes.
/// Errors: `InvalidInput` for anything but a regular file (a directory, a
/// device, a FIFO), `FileTooLarge` past the limit, and whatever opening or
/// reading gives.
pub fn read_limited(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (a directory, device or FIFO): expected a file",
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("larger than {limit} bytes, the most that is read"),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_and_files_bounded() {
        let dir = tempfile::TempDir::new().unwrap();
        let kind = |path: &Path, limit| read_limited(path, limit).map_err(|e| e.kind());
        assert_eq!(kind(dir.path(), 10), Err(io::ErrorKind::InvalidInput));
        if Path::new("/dev/zero").exists() {
            assert_eq!(
                kind(Path::new("/dev/zero"), 10),
                Err(io::ErrorKind::InvalidInput)
            );
        }
        let file = dir.path().join("f");
        std::fs::write(&file, "12345").unwrap();
        assert_eq!(kind(&file, 5), Ok(b"12345".to_vec()));
        assert_eq!(kind(&file, 4), Err(io::ErrorKind::FileTooLarge));
    }
}
