//! A true dose–toxicity curve and what it implies: which doses over-dose and
//! which dose a perfect trial would select.

use serde::Serialize;

/// Most dose levels a scenario may have. Trial state is a handful of fixed
/// arrays of this length, and the random-number positions reserve 5 bits for
/// the dose (see [`crate::rng`]).
pub const MAX_DOSES: usize = 32;

/// How the "true MTD" that PCS is measured against is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MtdRule {
    /// The highest dose whose true DLT probability is ≤ target (DESIGN.md's
    /// default); no MTD if even the lowest dose is above target.
    #[default]
    Highest,
    /// The dose whose true DLT probability is closest to the target (ties go to
    /// the lower dose).
    Closest,
}

/// A validated dose–toxicity truth: 1..=[`MAX_DOSES`] probabilities in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Truth {
    pub name: String,
    pub p_dlt: Vec<f64>,
    /// When the curve was built from a toxicity profile: the DLT-qualifying
    /// events it combines (empty otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
}

/// One DLT-qualifying event (say grade ≥ 3 rash) and its probability per dose
/// within the DLT window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub name: String,
    pub p: Vec<f64>,
}

/// Why a curve was rejected; `index` is 0-based.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TruthError {
    #[error("is empty: expected 1 to {MAX_DOSES} probabilities")]
    Empty,
    #[error("has {0} doses: at most {MAX_DOSES} are supported")]
    TooManyDoses(usize),
    #[error("[{index}] = {value}: expected a probability in [0, 1]")]
    NotAProbability { index: usize, value: f64 },
    /// An event of a toxicity profile is itself not a valid curve.
    #[error("event {event:?}: {problem}")]
    Event {
        event: String,
        #[source]
        problem: Box<TruthError>,
    },
    #[error(
        "event {event:?} has {len} doses but {first:?} has {expected}: every event must cover the same doses"
    )]
    EventLengths {
        event: String,
        len: usize,
        first: String,
        expected: usize,
    },
    #[error("has no events: expected at least one")]
    NoEvents,
}

impl MtdRule {
    /// What it means, in words.
    pub fn description(self) -> &'static str {
        match self {
            MtdRule::Highest => "the highest dose with p ≤ target",
            MtdRule::Closest => "the dose closest to target",
        }
    }

    /// Its name in files: `highest` or `closest`.
    pub fn name(self) -> &'static str {
        match self {
            MtdRule::Highest => "highest",
            MtdRule::Closest => "closest",
        }
    }
}

impl Truth {
    pub fn new(name: impl Into<String>, p_dlt: Vec<f64>) -> Result<Self, TruthError> {
        if p_dlt.is_empty() {
            return Err(TruthError::Empty);
        }
        if p_dlt.len() > MAX_DOSES {
            return Err(TruthError::TooManyDoses(p_dlt.len()));
        }
        if let Some((index, &value)) = p_dlt
            .iter()
            .enumerate()
            .find(|(_, p)| !(0.0..=1.0).contains(*p))
        {
            return Err(TruthError::NotAProbability { index, value });
        }
        Ok(Truth {
            name: name.into(),
            p_dlt,
            events: Vec::new(),
        })
    }

    /// A truth from a toxicity profile: a patient has a DLT when at least one
    /// of the events occurs, the events being independent, so
    /// p_dlt = 1 − Π (1 − p_event) at each dose.
    pub fn from_events(name: impl Into<String>, events: Vec<Event>) -> Result<Self, TruthError> {
        let first = events.first().ok_or(TruthError::NoEvents)?;
        for e in &events {
            Truth::new("", e.p.clone()).map_err(|problem| TruthError::Event {
                event: e.name.clone(),
                problem: Box::new(problem),
            })?;
            if e.p.len() != first.p.len() {
                return Err(TruthError::EventLengths {
                    event: e.name.clone(),
                    len: e.p.len(),
                    first: first.name.clone(),
                    expected: first.p.len(),
                });
            }
        }
        let p_dlt = (0..first.p.len())
            .map(|d| 1.0 - events.iter().map(|e| 1.0 - e.p[d]).product::<f64>())
            .collect();
        let mut truth = Truth::new(name, p_dlt)?;
        truth.events = events;
        Ok(truth)
    }

    pub fn num_doses(&self) -> usize {
        self.p_dlt.len()
    }

    /// Bit `d` set when dose `d` over-doses: true p strictly above target.
    pub fn overdose_mask(&self, target: f64) -> u32 {
        self.p_dlt
            .iter()
            .enumerate()
            .filter(|(_, p)| **p > target)
            .fold(0, |mask, (d, _)| mask | 1 << d)
    }

    /// The dose (0-based) a perfect design would select, `None` for "no MTD".
    pub fn true_mtd(&self, target: f64, rule: MtdRule) -> Option<usize> {
        match rule {
            MtdRule::Highest => self.p_dlt.iter().rposition(|&p| p <= target),
            MtdRule::Closest => (0..self.p_dlt.len()).min_by(|&i, &j| {
                let di = (self.p_dlt[i] - target).abs();
                let dj = (self.p_dlt[j] - target).abs();
                di.total_cmp(&dj)
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_curves() {
        assert_eq!(Truth::new("t", vec![]), Err(TruthError::Empty));
        assert_eq!(
            Truth::new("t", vec![0.1, 1.5]),
            Err(TruthError::NotAProbability {
                index: 1,
                value: 1.5
            })
        );
        assert!(matches!(
            Truth::new("t", vec![f64::NAN]),
            Err(TruthError::NotAProbability { index: 0, .. })
        ));
        assert_eq!(
            Truth::new("t", vec![0.1; 33]),
            Err(TruthError::TooManyDoses(33))
        );
    }

    #[test]
    fn events_combine_as_independent_causes() {
        let event = |name: &str, p: &[f64]| Event {
            name: name.into(),
            p: p.to_vec(),
        };
        let t = Truth::from_events(
            "t",
            vec![event("rash", &[0.1, 0.5]), event("cpk", &[0.2, 0.0])],
        )
        .unwrap();
        assert!((t.p_dlt[0] - (1.0 - 0.9 * 0.8)).abs() < 1e-15);
        assert_eq!(t.p_dlt[1], 0.5);
        assert_eq!(t.events.len(), 2);
        assert!(matches!(
            Truth::from_events("t", vec![event("rash", &[0.1]), event("cpk", &[0.2, 0.1])]),
            Err(TruthError::EventLengths { .. })
        ));
        let err = Truth::from_events("t", vec![event("rash", &[1.2])]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "event \"rash\": [0] = 1.2: expected a probability in [0, 1]"
        );
        assert_eq!(Truth::from_events("t", vec![]), Err(TruthError::NoEvents));
    }

    #[test]
    fn true_mtd_and_overdose() {
        let t = Truth::new("t", vec![0.05, 0.1, 0.2, 0.3, 0.45]).unwrap();
        assert_eq!(t.true_mtd(0.3, MtdRule::Highest), Some(3));
        assert_eq!(t.true_mtd(0.25, MtdRule::Highest), Some(2));
        assert_eq!(t.true_mtd(0.25, MtdRule::Closest), Some(2));
        assert_eq!(t.true_mtd(0.01, MtdRule::Highest), None);
        assert_eq!(t.true_mtd(0.01, MtdRule::Closest), Some(0));
        assert_eq!(t.overdose_mask(0.3), 0b10000);
        assert_eq!(t.overdose_mask(0.15), 0b11100);
    }
}
