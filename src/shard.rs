//! One run spread over many processes: `dosesim run … --shard I/N` simulates
//! a deterministic share of the truths' batches (see [`Shard`]) and writes
//! a *part* — the job and its integer counts — and `dosesim merge` adds the
//! parts up. Integer counts add exactly in any order, so the merged counts
//! are the single-process run's to the bit, and so is every file written
//! from them.
//!
//! A part is JSON; each tally is stored sparsely as `[index, count]` pairs of
//! its non-zero cells ([`Tally::counts`] order). Parts are checked before
//! they are trusted: same dosesim version and engine fingerprint (also the
//! merging binary's), same job, one part per shard, no shard missing, every
//! tally of the size its design implies holding exactly the trials its shard
//! runs, and paired sums that agree with the tallies.

use crate::engine::{Joint, Shard, shape_of};
use crate::job::Job;
use crate::report::{JsonReadError, read_json};
use crate::rng::Stream;
use crate::run::{Counts, build_designs};
use crate::scenario::{Scenario, ScenarioError};
use crate::tally::{PairTally, Tally};
use crate::time::tally::Times;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The format of a part file.
/// v2: tallies count stop reasons; patients have their own random numbers.
pub const PART_SCHEMA: &str = "dosesim-part/v4";

/// Most shards a run may be split into: far more than batches in most runs,
/// and a bound on what merge allocates for a part file's claim.
pub const MAX_SHARDS: u32 = 100_000;

/// Why parts could not be merged. Each names the file at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    #[error("{path}: cannot read")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a dosesim part file: {problem}")]
    Format { path: PathBuf, problem: String },
    #[error("{path}: from a different run than {first}: {difference}")]
    DifferentRun {
        path: PathBuf,
        first: PathBuf,
        difference: String,
    },
    #[error("{path} and {other} are both shard {shard}")]
    Duplicate {
        path: PathBuf,
        other: PathBuf,
        shard: String,
    },
    #[error("incomplete: shard(s) {missing} of {count} missing (have {have})")]
    Incomplete {
        missing: String,
        count: u32,
        have: String,
    },
    #[error("{path}")]
    Scenario {
        path: PathBuf,
        #[source]
        source: ScenarioError,
    },
    #[error("no part files given")]
    Empty,
}

impl Shard {
    /// Parses `I/N`: shard `I` (0-based, as SLURM's array task ids) of `N`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("{s:?}: expected I/N with 0 ≤ I < N, e.g. 0/4 (shards are 0-based)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        if count > MAX_SHARDS {
            return Err(format!("{s:?}: at most {MAX_SHARDS} shards"));
        }
        Ok(Shard { index, count })
    }

    /// The part file's name, e.g. `part-002-of-016.json`.
    pub fn file_name(self) -> String {
        let width = self.count.to_string().len().max(3);
        format!("part-{:0width$}-of-{:0width$}.json", self.index, self.count)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A shard's share of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub schema: String,
    pub dosesim_version: String,
    /// [`crate::engine::fingerprint`] of the build that wrote the part.
    pub engine: u64,
    pub shard: Shard,
    pub job: Job,
    /// Per scenario (`None` when the method does not simulate), per truth.
    pub counts: Vec<Option<Vec<JointRecord>>>,
    /// [`Part::content_checksum`] when written: catches a bit flipped or a
    /// digit changed in a copy even where the counts stay consistent (a
    /// deliberate edit that recomputes it cannot be told apart).
    pub checksum: String,
}

/// A [`Joint`] as stored: each design's tally sparsely, the pair sums whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JointRecord {
    pub tallies: Vec<Vec<[u64; 2]>>,
    pub pairs: PairTally,
    /// The time figures, on a timed run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<Times>,
}

impl JointRecord {
    fn new(joint: &Joint) -> Self {
        let sparse = |t: &Tally<u64>| {
            t.counts()
                .into_iter()
                .enumerate()
                .filter(|&(_, c)| c != 0)
                .map(|(i, c)| [i as u64, c])
                .collect()
        };
        JointRecord {
            tallies: joint.tallies.iter().map(sparse).collect(),
            pairs: joint.pairs.clone(),
            times: joint.times.clone(),
        }
    }
}

impl Part {
    /// The part of `job` that `shard` computed: `counts` per scenario.
    pub fn new(job: Job, shard: Shard, counts: &[Option<Counts>]) -> Part {
        Part {
            schema: PART_SCHEMA.into(),
            dosesim_version: env!("CARGO_PKG_VERSION").into(),
            engine: crate::engine::fingerprint(),
            shard,
            job,
            counts: counts
                .iter()
                .map(|c| c.as_ref().map(|c| c.iter().map(JointRecord::new).collect()))
                .collect(),
            checksum: String::new(),
        }
        .sealed()
    }

    /// This part with its checksum set.
    fn sealed(mut self) -> Self {
        self.checksum = self.content_checksum();
        self
    }

    /// A 64-bit hash, in hex, of everything the part says but the checksum:
    /// its JSON with the checksum empty, through the random stream's mixer.
    pub fn content_checksum(&self) -> String {
        let unsealed = Part {
            checksum: String::new(),
            ..self.clone()
        };
        let bytes = serde_json::to_vec(&unsealed).unwrap_or_default();
        let hash = bytes
            .chunks(8)
            .fold(Stream::new(bytes.len() as u64), |h, chunk| {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                Stream::new(h.at(u64::from_le_bytes(word)))
            });
        format!("{:016x}", hash.at(0))
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Reads a part file; its contents are checked by [`merge`].
    pub fn read(path: &Path) -> Result<Part, MergeError> {
        read_json(path, PART_SCHEMA, "dosesim run --shard").map_err(|e| match e {
            JsonReadError::Io(source) => MergeError::Read {
                path: path.to_path_buf(),
                source,
            },
            JsonReadError::Format(problem) => MergeError::Format {
                path: path.to_path_buf(),
                problem,
            },
        })
    }
}

/// Combines the parts of one run into its job, scenarios and whole counts,
/// refusing parts of different runs, duplicates and incomplete sets.
#[allow(clippy::type_complexity)]
pub fn merge(
    parts: Vec<(PathBuf, Part)>,
) -> Result<(Job, Vec<Scenario>, Vec<Option<Counts>>), MergeError> {
    let Some((first_path, first)) = parts.first() else {
        return Err(MergeError::Empty);
    };
    let count = first.shard.count;
    let engine = crate::engine::fingerprint();
    if first.engine != engine {
        return Err(MergeError::Format {
            path: first_path.clone(),
            problem: format!(
                "written by a different build of dosesim (engine fingerprint {:016x}, this one {engine:016x}): merge with the binary that ran the shards",
                first.engine
            ),
        });
    }
    if count > MAX_SHARDS {
        return Err(MergeError::Format {
            path: first_path.clone(),
            problem: format!("split into {count} shards: at most {MAX_SHARDS}"),
        });
    }
    let mut seen: Vec<Option<&Path>> = vec![None; count as usize];
    for (path, part) in &parts {
        if part.checksum != part.content_checksum() {
            return Err(MergeError::Format {
                path: path.clone(),
                problem: "its checksum does not match its contents: the file was altered \
                          or damaged after dosesim wrote it"
                    .to_string(),
            });
        }
        let different = |difference: String| MergeError::DifferentRun {
            path: path.clone(),
            first: first_path.clone(),
            difference,
        };
        if part.dosesim_version != first.dosesim_version {
            return Err(different(format!(
                "dosesim version {} vs {}",
                part.dosesim_version, first.dosesim_version
            )));
        }
        if part.engine != first.engine {
            return Err(different(format!(
                "built from a different engine (fingerprint {:016x} vs {:016x}): the random stream or a rule changed between the builds",
                part.engine, first.engine
            )));
        }
        if part.shard.count != count {
            return Err(different(format!(
                "split into {} shards vs {count}",
                part.shard.count
            )));
        }
        if let Some(difference) = part.job.difference(&first.job) {
            return Err(different(difference));
        }
        let slot = seen
            .get_mut(part.shard.index as usize)
            .ok_or_else(|| MergeError::Format {
                path: path.clone(),
                problem: format!("shard {} is not below its count", part.shard),
            })?;
        if let Some(other) = slot {
            return Err(MergeError::Duplicate {
                path: path.clone(),
                other: other.to_path_buf(),
                shard: part.shard.to_string(),
            });
        }
        *slot = Some(path);
    }
    let indices = |have: bool| -> Vec<String> {
        (0..count)
            .filter(|&i| seen[i as usize].is_some() == have)
            .map(|i| i.to_string())
            .collect()
    };
    if seen.iter().any(Option::is_none) {
        return Err(MergeError::Incomplete {
            missing: indices(false).join(", "),
            count,
            have: indices(true).join(", "),
        });
    }

    let job = first.job.clone();
    let scenarios = job.scenarios().map_err(|source| MergeError::Scenario {
        path: first_path.clone(),
        source,
    })?;
    let mut total: Vec<Option<Counts>> = scenarios
        .iter()
        .map(|s| {
            job.method.resolve(s).simulates().then(|| {
                // Designs were validated when the scenario was parsed.
                let designs = build_designs(s).unwrap_or_default();
                let shapes: Vec<_> = designs.iter().map(shape_of).collect();
                vec![Joint::empty_for(&shapes, s.timing.is_some()); s.truths.len()]
            })
        })
        .collect();
    for (path, part) in &parts {
        let format = |problem: String| MergeError::Format {
            path: path.clone(),
            problem,
        };
        if part.counts.len() != scenarios.len() {
            return Err(format(format!(
                "counts for {} scenarios, expected {}",
                part.counts.len(),
                scenarios.len()
            )));
        }
        for ((scenario, stored), sum) in scenarios.iter().zip(&part.counts).zip(&mut total) {
            let (Some(stored), Some(sum)) = (stored, sum.as_mut()) else {
                if stored.is_some() != sum.is_some() {
                    return Err(format(format!(
                        "scenario {:?}: counts do not match method {:?}",
                        scenario.name, job.method
                    )));
                }
                continue;
            };
            add_counts(scenario, stored, part.shard, sum).map_err(format)?;
        }
    }
    Ok((job, scenarios, total))
}

/// Adds one scenario's stored counts, which must hold for every truth and
/// design the trials of `shard`, to `sum`.
fn add_counts(
    scenario: &Scenario,
    stored: &[JointRecord],
    shard: Shard,
    sum: &mut [Joint],
) -> Result<(), String> {
    let name = &scenario.name;
    if stored.len() != sum.len() {
        return Err(format!(
            "scenario {name:?}: counts for {} truths, expected {}",
            stored.len(),
            sum.len()
        ));
    }
    let designs = scenario.designs.len();
    for (t, (record, joint)) in stored.iter().zip(sum.iter_mut()).enumerate() {
        let truth = &scenario.truths[t].name;
        let trials = shard.trials(t, stored.len(), scenario.simulation.trials);
        if trials == 0 && record.tallies.is_empty() && record.pairs.fits(0) {
            // A truth outside this shard's block.
            continue;
        }
        if record.tallies.len() != designs {
            return Err(format!(
                "scenario {name:?}, truth {truth:?}: {} tallies, expected one per design ({designs})",
                record.tallies.len()
            ));
        }
        let times_fit = match &record.times {
            None => scenario.timing.is_none(),
            Some(times) => scenario.timing.is_some() && times.consistent(designs, trials),
        };
        if !times_fit {
            return Err(format!(
                "scenario {name:?}, truth {truth:?}: time figures missing, unexpected or inconsistent \
                 (the scenario {} a [timing] table)",
                if scenario.timing.is_some() {
                    "has"
                } else {
                    "has no"
                }
            ));
        }
        let mut part = Joint {
            tallies: Vec::with_capacity(designs),
            pairs: record.pairs.clone(),
            times: record.times.clone(),
        };
        for (d, cells) in record.tallies.iter().enumerate() {
            let shape = joint.tallies[d].shape();
            let design = &scenario.designs[d].name;
            let bad = |what: &str| {
                format!("scenario {name:?}, truth {truth:?}, design {design:?}: {what}")
            };
            let len = Tally::<u64>::new(shape).counts().len();
            let mut counts = vec![0; len];
            for &[i, c] in cells {
                let slot = usize::try_from(i)
                    .ok()
                    .and_then(|i| counts.get_mut(i))
                    .ok_or_else(|| bad("a cell index outside the tally"))?;
                *slot = c;
            }
            let overdose = scenario.truths[t].overdose_mask(scenario.target);
            let tally = Tally::from_counts(shape, &counts)
                .filter(|tally| tally.overdose_agrees(overdose))
                .ok_or_else(|| bad("inconsistent counts: its tables disagree with one another"))?;
            if tally.total() != trials {
                return Err(bad(&format!(
                    "{} trials, but this shard runs {trials}",
                    tally.total()
                )));
            }
            part.tallies.push(tally);
        }
        let curve = &scenario.truths[t];
        let true_mtd = curve.true_mtd(scenario.target, scenario.true_mtd);
        let overdose = curve.overdose_mask(scenario.target);
        if !part.pairs.agrees_with(&part.tallies, true_mtd, overdose) {
            return Err(format!(
                "scenario {name:?}, truth {truth:?}: paired sums inconsistent with the tallies"
            ));
        }
        joint.merge(&part);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_tile_the_batches() {
        use crate::engine::BATCH;
        for trials in [1, BATCH - 1, BATCH, 7 * BATCH + 3, 1_000_000] {
            for truths in [1, 2, 5, 1000] {
                for count in [1, 2, 3, 4, 7, 64] {
                    let mut sum = 0;
                    let mut work = Vec::new();
                    for t in 0..truths {
                        // Each truth's batches are covered once, in shard order.
                        let mut next = 0;
                        for index in 0..count {
                            let shard = Shard { index, count };
                            let b = shard.batches(t, truths, trials);
                            if !b.is_empty() {
                                assert_eq!(b.start, next, "{shard}, truth {t} of {truths}");
                                next = b.end;
                            }
                            sum += shard.trials(t, truths, trials);
                        }
                        assert_eq!(next, trials.div_ceil(BATCH));
                    }
                    assert_eq!(sum, trials * truths as u64);
                    // Shards get nearly equal numbers of batches.
                    for index in 0..count {
                        let shard = Shard { index, count };
                        work.push(
                            (0..truths)
                                .map(|t| shard.batches(t, truths, trials).count())
                                .sum::<usize>(),
                        );
                    }
                    let (lo, hi) = (work.iter().min().unwrap(), work.iter().max().unwrap());
                    assert!(hi - lo <= 1, "{work:?}");
                }
            }
        }
    }

    #[test]
    fn parses_i_of_n() {
        assert_eq!(Shard::parse("0/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(Shard::parse("3/4"), Ok(Shard { index: 3, count: 4 }));
        assert!(
            Shard::parse("0/100001")
                .unwrap_err()
                .contains("at most 100000")
        );
        for bad in ["4/4", "1/0", "x/2", "2", "-1/3", "1/2/3"] {
            let e = Shard::parse(bad).unwrap_err();
            assert!(e.contains("0-based"), "{bad}: {e}");
        }
        assert_eq!(
            Shard {
                index: 2,
                count: 16
            }
            .file_name(),
            "part-002-of-016.json"
        );
    }
}
