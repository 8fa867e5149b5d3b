//! Exact operating characteristics by sweeping probability through a
//! design's [`StateGraph`]: the same dynamic programme as the level sweep of
//! [`super::exact`], over states whose decisions were made once, when the
//! graph was built. A design whose decisions are costly (the CRM's posterior
//! quadrature) pays for them once for all the truths of a run.

use super::{Binomials, ExactError};
use crate::design::graph::{Node, StateGraph};
use crate::tally::{Shape, Tally, record_ends};
use crate::truth::Truth;

/// The exact [`Tally<f64>`] of the design `graph` was built from, whose
/// tallies have `shape`, on `truth`; doses with true p > `target` over-dose.
pub fn exact_on_graph(
    graph: &StateGraph,
    shape: Shape,
    truth: &Truth,
    target: f64,
) -> Result<Tally<f64>, ExactError> {
    if shape.num_doses != truth.num_doses() {
        return Err(ExactError::DoseCountMismatch {
            design: shape.num_doses,
            truth: truth.num_doses(),
        });
    }
    let mut binomials = Binomials::new(&truth.p_dlt, shape.max_per_dose as u32);
    // The mass waiting at each treating state, by its `children`.
    let mut waiting = vec![0.0; graph.children_len()];
    let mut ended = vec![0.0; graph.ends()];
    let mut arrive = |waiting: &mut [f64], node: Node, mass: f64| match node {
        Node::Treat { children, .. } => waiting[children as usize] += mass,
        Node::Stop { end, .. } => ended[end as usize] += mass,
    };
    arrive(&mut waiting, graph.root(), 1.0);
    for &node in graph.treat_nodes() {
        let Node::Treat {
            dose,
            patients,
            children,
        } = node
        else {
            continue;
        };
        let mass = waiting[children as usize];
        if mass == 0.0 {
            continue;
        }
        let outcomes = binomials.row(usize::from(dose), u32::from(patients));
        // Impossible outcomes (p = 0 or 1 at the dose) carry nothing.
        for (dlts, &p) in (0u32..).zip(outcomes).filter(|&(_, &p)| p > 0.0) {
            arrive(&mut waiting, graph.child(children, dlts), mass * p);
        }
    }
    let mut tally = Tally::new(shape);
    record_ends(graph, &ended, truth.overdose_mask(target), &mut tally);
    Ok(tally)
}
