//! Bounds on an Automerge sync message, checked on its bytes before
//! Automerge sees them.
//!
//! Automerge trusts its peer: a Bloom filter's number of probes is
//! allocated as given, a compressed chunk is inflated before its checksum
//! is checked, and a run-length-encoded column a few bytes long can stand
//! for billions of operations. None of that can be caught once it has
//! started (an allocation failure aborts the process), so every count in a
//! message from a device is read here first, in time linear in its bytes,
//! and a message over any bound is refused whole. Only the shapes a Palier
//! phone sends are accepted: version 1 messages whose changes are plain
//! change chunks; the server never advertises version 2 to devices, so
//! they have no reason to send whole compressed documents.

/// The most heads a message may name (one per concurrent writer).
pub const MAX_HEADS: u64 = 256;
/// The most change hashes a message may ask for.
pub const MAX_NEED: u64 = 4096;
/// The most Bloom filter summaries a message may carry (Automerge sends one).
pub const MAX_HAVES: u64 = 4;
/// The most entries a Bloom filter may summarise.
pub const MAX_BLOOM_ENTRIES: u64 = 1 << 20;
/// The most bits per entry of a Bloom filter (Automerge uses 10).
pub const MAX_BLOOM_BITS_PER_ENTRY: u64 = 32;
/// The most probes per lookup in a Bloom filter (Automerge uses 7).
pub const MAX_BLOOM_PROBES: u64 = 32;
/// The most change chunks in one message.
pub const MAX_CHANGES: u64 = 20_000;
/// The most operations the changes of one message may expand to.
pub const MAX_OPS_PER_MESSAGE: u64 = 50_000;
/// The most bytes of changes one message may add to a document.
pub const MAX_CHANGE_BYTES_PER_MESSAGE: usize = 1024 * 1024;
/// The most dependencies, or other actors, one change may name.
const MAX_CHANGE_LIST: u64 = 1024;
/// The most columns a change may have.
const MAX_COLUMNS: u64 = 64;

const MESSAGE_V1: u8 = 0x42;
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHUNK_CHANGE: u8 = 1;
const HASH: usize = 32;

/// What a message from a device brings, once it is within bounds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// Change chunks it carries.
    pub changes: u64,
    /// Operations those changes expand to.
    pub ops: u64,
    /// Bytes of those changes.
    pub change_bytes: usize,
}

/// Why a message was refused before Automerge saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OutOfBounds {
    /// The bytes end early or hold an impossible value.
    #[error("the message is truncated or malformed")]
    Malformed,
    /// Not a version 1 sync message.
    #[error("unsupported sync message version")]
    Version,
    /// A list or Bloom filter over its bound.
    #[error("the message summarises more than a device ever needs")]
    Summary,
    /// A chunk that is not a plain change (a compressed change or a whole
    /// document).
    #[error("only plain change chunks are accepted from a device")]
    ChunkKind,
    /// More changes, operations or bytes than one message may bring.
    #[error("the message brings more changes than one sync may")]
    TooMuch,
}

use OutOfBounds::{ChunkKind, Malformed, Summary, TooMuch, Version};

/// A reader over a byte slice that never reads past its end.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn byte(&mut self) -> Result<u8, OutOfBounds> {
        let (&first, rest) = self.0.split_first().ok_or(Malformed)?;
        self.0 = rest;
        Ok(first)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], OutOfBounds> {
        if n > self.0.len() {
            return Err(Malformed);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn uleb(&mut self) -> Result<u64, OutOfBounds> {
        leb128::read::unsigned(&mut self.0).map_err(|_| Malformed)
    }

    fn sleb(&mut self) -> Result<i64, OutOfBounds> {
        leb128::read::signed(&mut self.0).map_err(|_| Malformed)
    }

    /// A count, refused above `max`.
    fn count(&mut self, max: u64) -> Result<u64, OutOfBounds> {
        let n = self.uleb()?;
        if n > max { Err(Summary) } else { Ok(n) }
    }

    fn length_prefixed(&mut self) -> Result<&'a [u8], OutOfBounds> {
        let n = usize::try_from(self.uleb()?).map_err(|_| Malformed)?;
        self.take(n)
    }

    fn hashes(&mut self, max: u64) -> Result<(), OutOfBounds> {
        let n = self.count(max)?;
        self.take(usize::try_from(n).map_err(|_| Malformed)? * HASH)
            .map(drop)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Checks a sync message from a device against every bound above.
pub fn check(message: &[u8]) -> Result<Checked, OutOfBounds> {
    let mut input = Bytes(message);
    if input.byte()? != MESSAGE_V1 {
        return Err(Version);
    }
    input.hashes(MAX_HEADS)?;
    input.hashes(MAX_NEED)?;
    for _ in 0..input.count(MAX_HAVES)? {
        input.hashes(MAX_HEADS)?;
        bloom(Bytes(input.length_prefixed()?))?;
    }
    let mut checked = Checked::default();
    let entries = input.count(MAX_CHANGES)?;
    for _ in 0..entries {
        let mut entry = Bytes(input.length_prefixed()?);
        // An entry may hold several chunks back to back.
        while !entry.is_empty() {
            let ops = change_chunk(&mut entry, &mut checked.change_bytes)?;
            checked.changes += 1;
            checked.ops = checked.ops.saturating_add(ops);
            if checked.changes > MAX_CHANGES
                || checked.ops > MAX_OPS_PER_MESSAGE
                || checked.change_bytes > MAX_CHANGE_BYTES_PER_MESSAGE
            {
                return Err(TooMuch);
            }
        }
    }
    // What follows is the flags section, which Automerge reads as bytes.
    Ok(checked)
}

fn bloom(mut bytes: Bytes<'_>) -> Result<(), OutOfBounds> {
    if bytes.is_empty() {
        return Ok(());
    }
    let entries = bytes.count(MAX_BLOOM_ENTRIES)?;
    let bits_per_entry = bytes.count(MAX_BLOOM_BITS_PER_ENTRY)?;
    let probes = bytes.count(MAX_BLOOM_PROBES)?;
    // A filter with entries but no bits makes Automerge divide by zero.
    if entries > 0 && (bits_per_entry == 0 || probes == 0) {
        return Err(Malformed);
    }
    let bits = (entries * bits_per_entry).div_ceil(8);
    bytes
        .take(usize::try_from(bits).map_err(|_| Malformed)?)
        .map(drop)
}

/// One change chunk: its header, then the operations its columns expand
/// to, counted without expanding them.
fn change_chunk(input: &mut Bytes<'_>, total_bytes: &mut usize) -> Result<u64, OutOfBounds> {
    let start = input.0.len();
    if input.take(4)? != MAGIC {
        return Err(Malformed);
    }
    input.take(4)?; // checksum, which Automerge verifies
    if input.byte()? != CHUNK_CHANGE {
        return Err(ChunkKind);
    }
    let mut body = Bytes(input.length_prefixed()?);
    *total_bytes = total_bytes.saturating_add(start - input.0.len());
    body.hashes(MAX_CHANGE_LIST)?; // dependencies
    body.length_prefixed()?; // actor
    body.uleb()?; // seq
    let start_op = body.uleb()?;
    body.sleb()?; // timestamp
    body.length_prefixed()?; // message
    let actors = body.count(MAX_CHANGE_LIST)?;
    for _ in 0..actors {
        body.length_prefixed()?; // other actors
    }
    let columns = body.count(MAX_COLUMNS)?;
    let mut specs = Vec::new();
    for _ in 0..columns {
        let spec = body.uleb()?;
        let len = usize::try_from(body.uleb()?).map_err(|_| Malformed)?;
        specs.push((spec, len));
    }
    let mut ops = 0;
    for (spec, len) in specs {
        let data = body.take(len)?;
        if spec & 0b1000 != 0 {
            return Err(ChunkKind); // deflated column: Automerge refuses it too
        }
        let column = Column {
            kind: spec & 0b111,
            actors,
            at: 0,
            rows: 0,
            grouped: 0,
        };
        ops = ops.max(column.rows(data)?);
    }
    // Operation counters are 32-bit in Automerge, which panics past them.
    if start_op.saturating_add(ops) > u64::from(u32::MAX) {
        return Err(Malformed);
    }
    Ok(ops)
}

/// A column being walked: its kind, what its values may be, and the rows
/// counted so far.
struct Column {
    kind: u64,
    /// The most an actor index may be (the change's other actors).
    actors: u64,
    /// The running value of a delta column.
    at: i128,
    rows: u64,
    grouped: u64,
}

const GROUP: u64 = 0;
const ACTOR: u64 = 1;
const INTEGER: u64 = 2;
const DELTA: u64 = 3;
const BOOLEAN: u64 = 4;
const STRING: u64 = 5;
const RAW: u64 = 7;

fn add(total: u64, n: u64) -> Result<u64, OutOfBounds> {
    let total = total.saturating_add(n);
    if total > MAX_OPS_PER_MESSAGE {
        Err(TooMuch)
    } else {
        Ok(total)
    }
}

impl Column {
    /// Reads one value repeated `times`, refusing what Automerge would turn
    /// into a panic: an actor index past the change's actors, a counter or
    /// a delta column's running value outside 0..=u32::MAX.
    fn value(&mut self, input: &mut Bytes<'_>, times: u64) -> Result<(), OutOfBounds> {
        match self.kind {
            STRING => input.length_prefixed().map(drop),
            DELTA => {
                let delta = i128::from(input.sleb()?);
                self.at += delta * i128::from(times);
                if (0..=i128::from(u32::MAX)).contains(&self.at) {
                    Ok(())
                } else {
                    Err(Malformed)
                }
            }
            ACTOR => {
                if input.uleb()? > self.actors {
                    Err(Malformed)
                } else {
                    Ok(())
                }
            }
            INTEGER => {
                if input.uleb()? > u64::from(u32::MAX) {
                    Err(Malformed)
                } else {
                    Ok(())
                }
            }
            GROUP => {
                let v = input.uleb()?;
                self.grouped = add(self.grouped, v.saturating_mul(times))?;
                Ok(())
            }
            _ => input.uleb().map(drop),
        }
    }

    /// Walks the column's runs. Group columns also count the rows their
    /// values announce in the grouped columns.
    fn rows(mut self, data: &[u8]) -> Result<u64, OutOfBounds> {
        let mut input = Bytes(data);
        match self.kind {
            RAW => return Ok(0),
            BOOLEAN => {
                while !input.is_empty() {
                    self.rows = add(self.rows, input.uleb()?)?;
                }
            }
            _ => {
                while !input.is_empty() {
                    let run = input.sleb()?;
                    if run > 0 {
                        let n = run.unsigned_abs();
                        self.rows = add(self.rows, n)?;
                        self.value(&mut input, n)?;
                    } else if run < 0 {
                        for _ in 0..run.unsigned_abs() {
                            self.rows = add(self.rows, 1)?;
                            self.value(&mut input, 1)?;
                        }
                    } else {
                        self.rows = add(self.rows, input.uleb()?)?;
                    }
                }
            }
        }
        Ok(self.rows.max(self.grouped))
    }
}

#[cfg(test)]
mod tests;
