//! Says whether some words are held in a file, for the end-to-end privacy
//! test: in its raw bytes, and, when the file is a Palier store (a plain
//! SQLite file, or one kept in the browser's OPFS pool behind its 4 KiB
//! header), in any of its documents decoded with their whole history.
//! Automerge compresses large columns, so absence from the raw bytes alone
//! would prove nothing.
//!
//! `held-words FILE WORDS` prints `{"raw":bool,"decoded":bool,"documents":n}`.

use shared::store::Store;
use std::path::Path;

/// Where a SQLite database starts in `bytes`, if it is one: at 0, or after
/// the OPFS pool's header.
fn database_start(bytes: &[u8]) -> Option<usize> {
    const MAGIC: &[u8] = b"SQLite format 3\0";
    [0, 4096]
        .into_iter()
        .find(|&at| bytes.get(at..at + MAGIC.len()) == Some(MAGIC))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(words)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: held-words FILE WORDS");
    };
    let bytes = std::fs::read(&file)?;
    let needle = words.as_bytes();
    let raw = contains(&bytes, needle);
    let (mut decoded, mut documents) = (false, 0);
    if let Some(start) = database_start(&bytes) {
        let dir = tempfile::tempdir()?;
        let copy = dir.path().join("copy.sqlite");
        std::fs::write(&copy, &bytes[start..])?;
        if let Ok(store) = Store::open(Path::new(&copy)) {
            for id in store.doc_ids()? {
                if let Some(doc) = store.load(&id)? {
                    documents += 1;
                    decoded |= contains(&doc.save_nocompress(), needle);
                }
            }
        }
    }
    println!("{{\"raw\":{raw},\"decoded\":{decoded},\"documents\":{documents}}}");
    Ok(())
}
