//! Time (issue 11): durations checked by hand path by path, time changing
//! when and never what, the rolling six against Skolnik et al. 2008, and the
//! properties every timed trial has.

use dosesim::design::{AbParams, AnyDesign, DesignSpec, Preset, Rule};
use dosesim::engine::{Joint, McSettings, Shard, Thresholds, TrialState, simulate_designs};
use dosesim::rng::Stream;
use dosesim::time::figures::TimeCharacteristics;
use dosesim::time::{Arrivals, Clock, DltTime, Draws, Timing, WhenSuspended};
use dosesim::truth::Truth;
use proptest::prelude::*;

fn timing(arrivals: Arrivals, when_suspended: WhenSuspended) -> Timing {
    Timing {
        arrivals,
        dlt_window_days: 28.0,
        dlt_time: DltTime::Uniform,
        when_suspended,
    }
}

fn every_ten_days() -> Timing {
    timing(Arrivals::Fixed { mean_days: 10.0 }, WhenSuspended::Lose)
}

fn skolnik() -> Timing {
    timing(Arrivals::Poisson { mean_days: 10.0 }, WhenSuspended::Lose)
}

fn design(kind: &str, k: usize) -> AnyDesign {
    let rule = match kind {
        "rolling6" => Rule::RollingSix { start_dose: 1 },
        "korn" => Rule::AB(AbParams::three_plus_three(Preset::Korn)),
        "storer" => Rule::AB(AbParams::three_plus_three(Preset::Storer)),
        "boin" => return DesignSpec::interval_examples(0.3, 24)[0].build(k).unwrap(),
        "crm" => {
            let skeleton = [0.05, 0.12, 0.25, 0.4, 0.55];
            return DesignSpec::crm_example(0.3, &skeleton[..k], 18)
                .build(k)
                .unwrap();
        }
        other => panic!("no design {other}"),
    };
    DesignSpec {
        name: kind.into(),
        rule,
    }
    .build(k)
    .unwrap()
}

/// Runs `designs` on `p` for `trials` trials on `timing`.
fn run(designs: &[AnyDesign], p: &[f64], timing: Option<Timing>, trials: u64, seed: u64) -> Joint {
    let truth = Truth::new("t", p.to_vec()).unwrap();
    let settings = McSettings {
        trials,
        seed,
        timing,
    };
    let batches = Shard::WHOLE.batches(0, 1, trials);
    simulate_designs(
        designs,
        &truth,
        0.3,
        truth.true_mtd(0.3, Default::default()),
        settings,
        batches,
        &|_| {},
    )
    .unwrap()
}

fn time_of(joint: &Joint, design: usize) -> TimeCharacteristics {
    TimeCharacteristics::from_tally(&joint.times.as_ref().unwrap().tallies[design], true)
}

/// Durations are counted in ticks of 1/1024 day.
const TICK: f64 = 1.0 / 1024.0;

/// The 3+3 (Korn) on a certain truth, people every 10 days, a 28-day
/// window, the lost ones going elsewhere: each path's duration by hand, in
/// the decision notation of the 3+3 (d: dose, x/n: DLTs in patients).
#[test]
fn three_plus_three_durations_path_by_path() {
    let korn = [design("korn", 3)];
    // 0/3 at d1, 0/3 at d2, 0/3 at d3 → MTD d3. Cohorts enrol on days
    // 0–20, 50–70, 100–120 (the next person after each cohort's results on
    // days 48 and 98) and end on day 148; lost: days 30, 40, 80, 90, 130,
    // 140.
    let j = run(&korn, &[0.0, 0.0, 0.0], Some(every_ten_days()), 1, 1);
    let t = time_of(&j, 0);
    assert_eq!(t.mean_duration_days.value, 148.0);
    assert_eq!(t.mean_patients_lost.value, 6.0);
    assert_eq!(t.mean_days_suspended.value, 3.0 * 28.0);
    // 0/3 at d1, 0/3 at d2, 3/3 at d3 (days 100, 110, 120, each DLT at its
    // own time t_6, t_7, t_8), back to d2 for 3 more (0/6) → MTD d2. The
    // fourth cohort starts with the first person on or after the third's
    // last result.
    for seed in 1..20 {
        let j = run(&korn, &[0.0, 0.0, 1.0], Some(every_ten_days()), 1, seed);
        let draws = Draws::new(&every_ten_days(), Stream::new(seed));
        let third = (6..9)
            .map(|p| 100.0 + 10.0 * f64::from(p - 6) + draws.dlt_day(0, p))
            .fold(0.0, f64::max);
        let fourth_start = (third / 10.0).ceil() * 10.0;
        let want = fourth_start + 20.0 + 28.0;
        let t = time_of(&j, 0);
        assert!(
            (t.mean_duration_days.value - want).abs() <= TICK,
            "seed {seed}: {t:?} against {want}"
        );
        let suspended = 28.0 + 28.0 + (third - 120.0) + 28.0;
        assert!((t.mean_days_suspended.value - suspended).abs() <= 4.0 * TICK);
    }
    // 3/3 at d1 → stop, no MTD: the trial ends with the last DLT.
    let j = run(&korn, &[1.0, 1.0, 1.0], Some(every_ten_days()), 1, 3);
    let draws = Draws::new(&every_ten_days(), Stream::new(3));
    let want = (0..3)
        .map(|p| 10.0 * f64::from(p) + draws.dlt_day(0, p))
        .fold(0.0, f64::max);
    assert!((time_of(&j, 0).mean_duration_days.value - want).abs() <= TICK);
}

/// Any path of any cohort design: the duration the engine counts is the
/// one a direct reconstruction of the path gives, on fixed arrivals (every
/// person on a multiple of the gap; a cohort takes the next three from the
/// day accrual reopens).
#[test]
fn cohort_durations_follow_the_path() {
    let timing = every_ten_days();
    let truth = [0.1, 0.25, 0.4];
    let thresholds = Thresholds::new(&truth);
    for kind in ["korn", "storer", "boin", "crm"] {
        let d = design(kind, 3);
        for seed in 0..60 {
            let stream = Stream::new(seed);
            let draws = Draws::new(&timing, stream);
            let mut cohorts = Vec::new();
            TrialState::new(0)
                .run_following(&d, &thresholds, &stream, 0, |dose, n| {
                    cohorts.push((dose, n))
                })
                .unwrap();
            let (mut open, mut next, mut patient) = (0.0f64, 0.0f64, 0u32);
            for (dose, n) in cohorts {
                let mut done = open;
                for _ in 0..n {
                    next = next.max((open / 10.0).ceil() * 10.0);
                    let dlt = thresholds.dlt(dose, stream.tolerance(0, patient));
                    let delay = if dlt { draws.dlt_day(0, patient) } else { 28.0 };
                    done = done.max(next + delay);
                    next += 10.0;
                    patient += 1;
                }
                open = done;
            }
            let got = time_of(
                &run(std::slice::from_ref(&d), &truth, Some(timing), 1, seed),
                0,
            );
            assert!(
                (got.mean_duration_days.value - open).abs() <= TICK,
                "{kind}, seed {seed}"
            );
        }
    }
}

/// Time changes when, not what: with [timing], every count of every cohort
/// design (selections, patients and DLTs per dose, N, stop reasons, and the
/// paired sums) is the untimed run's, bit for bit, on the same seed — and
/// so are the exact engines' figures, which the untimed runs match.
#[test]
fn timing_changes_when_not_what() {
    let designs: Vec<AnyDesign> = ["korn", "storer", "boin", "crm"]
        .iter()
        .map(|k| design(k, 4))
        .collect();
    let p = [0.05, 0.15, 0.3, 0.5];
    let untimed = run(&designs, &p, None, 50_000, 9);
    for timing in [
        skolnik(),
        timing(
            Arrivals::Uniform {
                min_days: 2.0,
                max_days: 30.0,
            },
            WhenSuspended::Wait,
        ),
    ] {
        let timed = run(&designs, &p, Some(timing), 50_000, 9);
        assert_eq!(timed.tallies, untimed.tallies);
        assert_eq!(timed.pairs, untimed.pairs);
        assert!(timed.times.is_some() && untimed.times.is_none());
    }
}

/// Skolnik et al. 2008: 1,000 trials, a person every 10 days on average, a
/// 28-day window: 294 ± 75 days for the rolling six against 350 ± 84 for
/// the 3+3, and the same DLTs (3.3 ± 1.1 against 3.2 ± 1.1). Their truths
/// came from historical trials, so we expect the direction and rough size
/// on a 3+3-like curve, not their days (see the README for our figures).
#[test]
fn the_rolling_six_is_shorter_with_the_same_dlts() {
    let designs = [design("korn", 5), design("rolling6", 5)];
    let p = [0.05, 0.1, 0.2, 0.35, 0.5];
    let trials = 100_000;
    let j = run(&designs, &p, Some(skolnik()), trials, 2008);
    let (three, six) = (time_of(&j, 0), time_of(&j, 1));
    let times = j.times.as_ref().unwrap();
    // Paired difference of the durations and its standard error.
    let (sum, sum_sq) = times.pairs.difference_sums(&times.tallies, 0, 1);
    let r = trials as f64;
    let mean = sum as f64 / r * TICK;
    let se = ((sum_sq as f64 / r - (sum as f64 / r).powi(2)) / r).sqrt() * TICK;
    assert!(mean > 10.0 * se, "3+3 − rolling six = {mean} ± {se} days");
    let ratio = six.mean_duration_days.value / three.mean_duration_days.value;
    assert!(
        (0.7..0.95).contains(&ratio),
        "ratio {ratio} (Skolnik: 294/350 = 0.84)"
    );
    // Spreads of the same order as theirs (75 and 84 days).
    assert!(three.sd_duration_days > 40.0 && six.sd_duration_days > 40.0);
    // DLTs: per trial, about 3 under both, within a fifth of a DLT.
    let dlts = |d: usize| {
        let t = &j.tallies[d];
        t.dlts_and_n()
            .map(|(x, _, w)| x as f64 * w as f64)
            .sum::<f64>()
            / r
    };
    let (x3, x6) = (dlts(0), dlts(1));
    assert!(
        (2.5..4.0).contains(&x3) && (2.5..4.0).contains(&x6),
        "{x3} {x6}"
    );
    assert!((x6 - x3).abs() < 0.25, "{x3} against {x6}");
    // The rolling six loses fewer people: accrual is suspended less.
    assert!(six.mean_patients_lost.value < three.mean_patients_lost.value);
    assert!(six.mean_days_suspended.value < three.mean_days_suspended.value);
}

/// A patient at a dose is never one of more than six there, and the
/// rolling six's selections are the 3+3's kind: with certain DLTs only at
/// the top dose it picks the dose below it.
#[test]
fn rolling_six_on_certain_truths() {
    let r6 = [design("rolling6", 3)];
    let j = run(&r6, &[0.0, 0.0, 1.0], Some(skolnik()), 2000, 5);
    let t = &j.tallies[0];
    assert_eq!(t.selected(Some(1)), 2000);
    assert!(t.dose_n_and_n(2).all(|(n, _, _)| (2..=6).contains(&n)));
    let j = run(&r6, &[1.0, 1.0, 1.0], Some(skolnik()), 2000, 5);
    assert_eq!(j.tallies[0].selected(None), 2000);
    let j = run(&r6, &[0.0, 0.0, 0.0], Some(skolnik()), 2000, 5);
    assert_eq!(j.tallies[0].selected(Some(2)), 2000);
}

/// The same bits on any number of threads.
#[test]
fn timed_runs_are_the_same_on_any_number_of_threads() {
    let designs = [design("korn", 4), design("rolling6", 4), design("boin", 4)];
    let p = [0.1, 0.2, 0.35, 0.5];
    let on = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run(&designs, &p, Some(skolnik()), 70_000, 3))
    };
    assert_eq!(on(1), on(3));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every timed cohort trial: no patient starts before arriving (the
    /// days waited are exactly the starts' delays), and the trial lasts at
    /// least (N − 1) shortest gaps, plus the window when its last patient
    /// had no DLT (a DLT can end a patient's evaluation early).
    #[test]
    fn no_patient_before_arrival_and_a_duration_floor(
        seed in 0u64..1000,
        trial in 0u64..1000,
        p in proptest::collection::vec(0.0f64..0.8, 3),
        min_days in 1.0f64..10.0,
        spread in 0.0f64..20.0,
        wait in any::<bool>(),
        kind in prop_oneof![Just("korn"), Just("boin"), Just("crm")],
    ) {
        let when = if wait { WhenSuspended::Wait } else { WhenSuspended::Lose };
        let timing = timing(Arrivals::Uniform { min_days, max_days: min_days + spread.max(0.01) }, when);
        let stream = Stream::new(seed);
        let draws = Draws::new(&timing, stream);
        let thresholds = Thresholds::new(&p);
        let d = design(kind, 3);
        let mut clock = Clock::new(draws, when);
        clock.start(trial);
        // Arrivals of the first people, to check starts against.
        let mut arrivals = vec![0.0];
        for c in 1..400 {
            arrivals.push(arrivals[c - 1] + draws.gap(trial, c as u32));
        }
        let mut starts = Vec::new();
        let mut last_dlt = false;
        let mut cohorts = Vec::new();
        TrialState::new(0).run_following(&d, &thresholds, &stream, trial, |dose, n| cohorts.push((dose, n))).unwrap();
        let mut open = 0.0f64;
        for (dose, n) in cohorts {
            let mut done = open;
            for _ in 0..n {
                let (patient, start) = clock.enrol(open);
                let dlt = thresholds.dlt(dose, stream.tolerance(trial, patient));
                done = done.max(clock.evaluated(patient, start, dlt));
                starts.push(start);
                last_dlt = dlt;
            }
            open = done;
        }
        let time = clock.finish(open);
        let n = starts.len();
        if wait {
            // Person j is patient j.
            let waited: f64 = (0..n).map(|j| starts[j] - arrivals[j]).sum();
            prop_assert!((0..n).all(|j| starts[j] >= arrivals[j]));
            prop_assert!((time.waited - waited).abs() < 1e-6);
        } else {
            // Each patient started on the day it came.
            prop_assert!(starts.iter().all(|s| arrivals.contains(s)));
            prop_assert_eq!(time.waited, 0.0);
        }
        let floor = (n - 1) as f64 * min_days + if last_dlt { 0.0 } else { 28.0 };
        prop_assert!(time.duration >= floor - 1e-9, "{} < {floor}", time.duration);
    }
}
