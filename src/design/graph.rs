//! A design compiled into its state graph: every state a trial can reach,
//! numbered, with the design's decision there asked once.
//!
//! Decisions are pure functions of the state (patients and DLTs per dose and
//! the dose of the last cohort), so a trial is a walk through this graph: at a
//! node that treats m patients at dose d, the y DLTs they have lead to the
//! node's y-th child. The Monte Carlo engine walks it instead of asking the
//! design after every cohort; this is the memo every design gets for free,
//! whether its `decide` is a table lookup (the interval designs), a few rules
//! (the A+B family) or a model fit.
//!
//! The graph does not depend on the truth: it holds every outcome y = 0..=m,
//! and the walk reads the same random numbers as the trial loop, so results
//! are identical either way. Every decision is checked when the graph is
//! built; a design that breaks its bounds anywhere, or has more states than
//! the caller allows, gets no graph, and the trial loop, which reports the
//! failing trial, runs it instead.

use super::state::{Key, Layout};
use super::{Decision, Design, Observed, StopReason, check_decision};
use crate::truth::MAX_DOSES;
use std::sync::OnceLock;

/// A design with its state graph, built the first time the engine asks and
/// kept: the graph does not depend on the truth, so a sweep over thousands of
/// truths builds it once, not once per truth.
#[derive(Debug)]
pub struct Compiled<D> {
    design: D,
    max_nodes: usize,
    graph: OnceLock<Option<StateGraph>>,
}

impl<D: Design> Compiled<D> {
    /// `design`, whose graph will be built if it has at most `max_nodes`
    /// states (a graph larger than the run's trials would not pay for itself).
    pub fn new(design: D, max_nodes: usize) -> Self {
        Compiled {
            design,
            max_nodes,
            graph: OnceLock::new(),
        }
    }
}

impl<D: Design> Design for Compiled<D> {
    fn num_doses(&self) -> usize {
        self.design.num_doses()
    }
    fn max_cohort(&self) -> u32 {
        self.design.max_cohort()
    }
    fn max_patients_per_dose(&self) -> u32 {
        self.design.max_patients_per_dose()
    }
    fn max_sample_size(&self) -> u32 {
        self.design.max_sample_size()
    }
    fn start(&self) -> Decision {
        self.design.start()
    }
    fn decide(&self, seen: &Observed<'_>) -> Decision {
        self.design.decide(seen)
    }
    fn toxic_cohort(&self, patients: u32, dlts: u32) -> bool {
        self.design.toxic_cohort(patients, dlts)
    }
    fn as_benchmark(&self) -> Option<&super::Benchmark> {
        self.design.as_benchmark()
    }

    fn as_rolling_six(&self) -> Option<&super::RollingSix> {
        self.design.as_rolling_six()
    }
    fn state_graph(&self) -> Option<Option<&StateGraph>> {
        // A design that keeps its own graph lends it.
        if let Some(kept) = self.design.state_graph() {
            return Some(kept);
        }
        let build = || StateGraph::build(&self.design, self.max_nodes);
        Some(self.graph.get_or_init(build).as_ref())
    }
}

/// One state of a trial and what the design does there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// Treat `patients` at `dose`; with y DLTs among them the trial moves to
    /// [`StateGraph::child`]`(children, y)`.
    Treat {
        dose: u8,
        patients: u8,
        children: u32,
    },
    /// The trial ends, in end state number `end` (see [`StateGraph::end`]).
    Stop {
        mtd: Option<u8>,
        reason: StopReason,
        end: u32,
    },
}

/// The reachable states of a design.
///
/// A state's node is stored in each of its parents' child slots rather than
/// referred to by number, and the children of a node sit side by side: a
/// step of a trial is one load, from one cache line, which the walk can ask
/// for while it draws the cohort's outcomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateGraph {
    root: Node,
    children: Vec<Node>,
    /// Every [`Node::Treat`], parents before children.
    treats: Vec<Node>,
    /// Patients then DLTs per dose of each end state, `2k` to a state.
    ends: Vec<u8>,
    /// Each end state's MTD and stop reason.
    outcomes: Vec<(Option<u8>, StopReason)>,
    doses: usize,
    states: usize,
}

impl StateGraph {
    /// Most nodes [`StateGraph::build`] is ever asked for: a graph this size
    /// takes about 40 MB and a fraction of a second to build.
    pub const MAX_NODES: usize = 1 << 20;

    /// The graph of `design`, or `None` when it has more than `max_nodes`
    /// states, or a decision outside the design's bounds.
    pub fn build<D: Design + ?Sized>(design: &D, max_nodes: usize) -> Option<Self> {
        let layout = Layout::new(design.num_doses(), design.max_patients_per_dose())?;
        let max_nodes = max_nodes.min(Self::MAX_NODES);
        // Narrow keys sort faster, as in the exact engine.
        match layout.words {
            1 => build::<D, 1>(design, layout, max_nodes),
            2 => build::<D, 2>(design, layout, max_nodes),
            3 | 4 => build::<D, 4>(design, layout, max_nodes),
            _ => build::<D, { super::state::MAX_WORDS }>(design, layout, max_nodes),
        }
    }

    /// The trial before its first cohort.
    pub fn root(&self) -> Node {
        self.root
    }

    /// Where a [`Node::Treat`] with these `children` leads after `dlts` DLTs.
    #[inline(always)]
    pub fn child(&self, children: u32, dlts: u32) -> Node {
        self.children[(children + dlts) as usize]
    }

    /// The first child of a [`Node::Treat`], read only to bring its
    /// siblings into the cache before the outcome that picks one is known.
    #[inline(always)]
    pub fn touch(&self, children: u32) {
        std::hint::black_box(self.children[children as usize]);
    }

    /// Number of child slots: one more than the largest `children` of a
    /// [`Node::Treat`].
    pub fn children_len(&self) -> usize {
        self.children.len()
    }

    /// Every [`Node::Treat`] state, each before the states it leads to: the
    /// order in which probability mass can be swept through the graph.
    pub fn treat_nodes(&self) -> &[Node] {
        &self.treats
    }

    /// Number of states where a trial ends.
    pub fn ends(&self) -> usize {
        self.outcomes.len()
    }

    /// End state `end`: its patients and DLTs per dose, written into the
    /// first doses of `n` and `x`, and its MTD and stop reason.
    pub fn end(&self, end: u32, n: &mut [u32], x: &mut [u32]) -> (Option<usize>, StopReason) {
        let k = self.doses;
        let at = &self.ends[2 * k * end as usize..][..2 * k];
        for d in 0..k {
            (n[d], x[d]) = (at[d].into(), at[k + d].into());
        }
        let (mtd, reason) = self.outcomes[end as usize];
        (mtd.map(usize::from), reason)
    }

    /// Number of distinct states.
    pub fn len(&self) -> usize {
        self.states
    }

    /// Never true: a graph has at least its root.
    pub fn is_empty(&self) -> bool {
        self.states == 0
    }
}

/// Builds the graph level by level in the number of patients treated, which
/// every cohort raises, so a state's children come after it. Equal states of
/// a level are found by sorting their keys; numbering them in key order makes
/// the graph independent of the order states were found in.
fn build<D: Design + ?Sized, const W: usize>(
    design: &D,
    layout: Layout,
    max_nodes: usize,
) -> Option<StateGraph> {
    const NO_PARENT: u32 = u32::MAX;
    // Fills a slot until its state is reached; every slot is reached, as the
    // levels run to the design's largest sample size.
    const UNSET: Node = Node::Stop {
        mtd: None,
        reason: StopReason::RuleEnd,
        end: u32::MAX,
    };
    let k = layout.doses;
    let max_n = design.max_sample_size() as usize;
    // `[N]`: states with N patients, each with the edge that leads to it.
    let mut levels: Vec<Vec<(Key<W>, u32)>> = vec![Vec::new(); max_n + 1];
    levels[0].push((Key::EMPTY, NO_PARENT));
    let mut graph = StateGraph {
        root: UNSET,
        children: Vec::new(),
        treats: Vec::new(),
        ends: Vec::new(),
        outcomes: Vec::new(),
        doses: k,
        states: 0,
    };
    let (mut n, mut x) = ([0; MAX_DOSES], [0; MAX_DOSES]);
    for level in 0..=max_n {
        let mut found = std::mem::take(&mut levels[level]);
        found.sort_unstable_by_key(|&(key, _)| key);
        for same in found.chunk_by(|a, b| a.0 == b.0) {
            if graph.states >= max_nodes {
                return None;
            }
            graph.states += 1;
            let key = same[0].0;
            key.unpack(&layout, &mut n, &mut x);
            // Nothing is seen before the first cohort: the root follows `start`.
            let decision = if level == 0 {
                design.start()
            } else {
                design.decide(&key.observed(&n[..k], &x[..k]))
            };
            check_decision(design, decision, |d| n[d], level as u32).ok()?;
            let node = match decision {
                Decision::Stop { mtd, reason } => {
                    let end = u32::try_from(graph.ends()).ok()?;
                    // n ≤ MAX_SAMPLE_SIZE < 256, as check_decision holds.
                    graph
                        .ends
                        .extend(n[..k].iter().chain(&x[..k]).map(|&v| v as u8));
                    let mtd = mtd.map(|d| d as u8);
                    graph.outcomes.push((mtd, reason));
                    Node::Stop { mtd, reason, end }
                }
                Decision::Treat { dose, patients } => {
                    let children = u32::try_from(graph.children.len()).ok()?;
                    let next = &mut levels[level + patients as usize];
                    for dlts in 0..=patients {
                        let toxic = design.toxic_cohort(patients, dlts);
                        let child = key.treated(&layout, dose, patients, dlts, toxic);
                        next.push((child, children + dlts));
                    }

                    graph
                        .children
                        .resize(graph.children.len() + patients as usize + 1, UNSET);
                    let node = Node::Treat {
                        dose: dose as u8,
                        patients: u8::try_from(patients).ok()?,
                        children,
                    };
                    graph.treats.push(node);
                    node
                }
            };
            for &(_, edge) in same {
                match edge {
                    NO_PARENT => graph.root = node,
                    edge => graph.children[edge as usize] = node,
                }
            }
        }
    }
    Some(graph)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::{AbDesign, AbParams, AnyDesign, DesignSpec, Preset};

    fn korn(k: usize) -> AbDesign {
        AbDesign::new(AbParams::three_plus_three(Preset::Korn), k).unwrap()
    }

    /// Follows the outcomes `dlts`, cohort by cohort, from the root.
    fn walk(graph: &StateGraph, dlts: &[u32]) -> Node {
        let mut node = graph.root();
        for &y in dlts {
            match node {
                Node::Treat { children, .. } => node = graph.child(children, y),
                stop => panic!("the trial ended before the outcomes did: {stop:?}"),
            }
        }
        node
    }

    #[test]
    fn the_3_plus_3_graph_follows_its_rules() {
        let graph = StateGraph::build(&korn(2), usize::MAX).unwrap();
        let treat = |dose, children| Node::Treat {
            dose,
            patients: 3,
            children,
        };
        assert_eq!(graph.root(), treat(0, 0));
        // 0/3 at dose 1: escalate; 2/3 at dose 2: back to dose 1 for three
        // more (korn declares an MTD treated at six); 0/3 there: it is.
        assert!(matches!(walk(&graph, &[0]), Node::Treat { dose: 1, .. }));
        assert!(matches!(walk(&graph, &[0, 2]), Node::Treat { dose: 0, .. }));
        let Node::Stop { mtd, reason, end } = walk(&graph, &[0, 2, 0]) else {
            panic!("the trial goes on after 0/6 at dose 1 and 2/3 at dose 2");
        };
        assert_eq!((mtd, reason), (Some(0), StopReason::RuleEnd));
        let (mut n, mut x) = ([0; 2], [0; 2]);
        assert_eq!(
            graph.end(end, &mut n, &mut x),
            (Some(0), StopReason::RuleEnd)
        );
        assert_eq!((n, x), ([6, 3], [0, 2]));
        // 1/3 then 1/3 more at dose 1 (2/6): de-escalation from the lowest dose.
        assert!(matches!(
            walk(&graph, &[1, 1]),
            Node::Stop { mtd: None, .. }
        ));
    }

    /// Every path of `design`, decided the slow way, against the graph; the
    /// distinct states met on the way.
    fn check_every_path(design: &AnyDesign, graph: &StateGraph) -> usize {
        let k = design.num_doses();
        // Each state's node: paths that meet must meet in the same node.
        let mut states = std::collections::BTreeMap::new();
        // (node, n, x, current, decision there)
        let mut stack = vec![(graph.root(), vec![0; k], vec![0; k], 0, design.start())];
        while let Some((node, n, x, current, decision)) = stack.pop() {
            let met = states.insert((n.clone(), x.clone(), current), node);
            assert!(
                met.is_none_or(|met| met == node),
                "{n:?} {x:?} in two nodes"
            );
            match decision {
                Decision::Stop { mtd, reason } => {
                    let Node::Stop { end, .. } = node else {
                        panic!("{node:?}, where the design stops");
                    };
                    let stop = Node::Stop {
                        mtd: mtd.map(|d| d as u8),
                        reason,
                        end,
                    };
                    assert_eq!(node, stop);
                    let (mut n_end, mut x_end) = (vec![0; k], vec![0; k]);
                    assert_eq!(graph.end(end, &mut n_end, &mut x_end), (mtd, reason));
                    assert_eq!((&n_end, &x_end), (&n, &x));
                }
                Decision::Treat { dose, patients } => {
                    let Node::Treat { children, .. } = node else {
                        panic!("{node:?}, where the design treats {patients} at {dose}");
                    };
                    assert_eq!(
                        node,
                        Node::Treat {
                            dose: dose as u8,
                            patients: patients as u8,
                            children
                        }
                    );
                    for y in 0..=patients {
                        let (mut n, mut x) = (n.clone(), x.clone());
                        n[dose] += patients;
                        x[dose] += y;
                        let next = design.decide(&Observed {
                            n: &n,
                            x: &x,
                            current: dose,
                            last_toxic: design.toxic_cohort(patients, y),
                        });
                        stack.push((graph.child(children, y), n, x, dose, next));
                    }
                }
            }
        }
        states.len()
    }

    #[test]
    fn the_graph_decides_as_the_design_on_every_path() {
        let mut designs = vec![AnyDesign::AB(korn(4))];
        designs.extend(
            DesignSpec::interval_examples(0.3, 12)
                .iter()
                .map(|spec| spec.build(3).unwrap()),
        );
        for design in designs {
            let graph = StateGraph::build(&design, usize::MAX).unwrap();
            // Paths that meet share a node: one node per distinct state.
            assert_eq!(check_every_path(&design, &graph), graph.len());
        }
    }

    #[test]
    fn a_compiled_design_builds_its_graph_once() {
        let states = StateGraph::build(&korn(5), usize::MAX).unwrap().len();
        let compiled = Compiled::new(korn(5), states);
        let first = compiled.state_graph().flatten().expect("the cap admits it");
        assert!(std::ptr::eq(
            first,
            compiled.state_graph().flatten().unwrap()
        ));
        assert_eq!(first.len(), states);
        let too_small = Compiled::new(korn(5), states - 1);
        assert_eq!(too_small.state_graph(), Some(None));
    }

    #[test]
    fn a_cap_below_the_state_count_gives_no_graph() {
        let design = korn(5);
        let full = StateGraph::build(&design, usize::MAX).unwrap();
        assert!(StateGraph::build(&design, full.len()).is_some());
        assert!(StateGraph::build(&design, full.len() - 1).is_none());
    }
}
