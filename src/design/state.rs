//! A trial state packed into a few words — everything [`Design::decide`]
//! sees: patients and DLTs per dose, the dose of the last cohort and whether
//! it was toxic. The
//! exact engine merges equal states by sorting packed keys; the state graph
//! ([`super::graph`]) numbers them.
//!
//! [`Design::decide`]: super::Design::decide

use crate::truth::MAX_DOSES;

/// Largest packed state, in 64-bit words: 32 doses × 2 fields × 8 bits (up to
/// 255 patients per dose) fit.
pub const MAX_WORDS: usize = 8;

/// Where each dose's n and x sit in a packed state: field `2d` is n of dose d,
/// `2d + 1` its x, each `bits` wide and never straddling a word.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub doses: usize,
    bits: u32,
    pub words: usize,
    /// Word and shift of each field, looked up rather than divided out: the
    /// sweep reads every field of every state.
    place: [(u8, u8); 2 * MAX_DOSES],
}

impl Layout {
    /// The layout of `doses` doses with up to `per_dose` patients each;
    /// `None` when it does not fit [`MAX_WORDS`] words.
    pub fn new(doses: usize, per_dose: u32) -> Option<Self> {
        let bits = (u32::BITS - per_dose.leading_zeros()).max(1);
        let per_word = (u64::BITS / bits) as usize;
        let words = (2 * doses).div_ceil(per_word);
        if words > MAX_WORDS || doses > MAX_DOSES {
            return None;
        }
        let mut place = [(0, 0); 2 * MAX_DOSES];
        for (f, slot) in place.iter_mut().enumerate().take(2 * doses) {
            // Both fit a u8: words ≤ MAX_WORDS, shifts < 64.
            *slot = ((f / per_word) as u8, ((f % per_word) as u32 * bits) as u8);
        }
        Some(Layout {
            doses,
            bits,
            words,
            place,
        })
    }

    /// Word and shift of field `f`.
    #[inline(always)]
    pub fn at(&self, f: usize) -> (usize, u32) {
        let (word, shift) = self.place[f];
        (usize::from(word), u32::from(shift))
    }
}

/// A trial state, packed: comparing keys compares states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key<const W: usize> {
    fields: [u64; W],
    pub current: u8,
    /// [`Design::toxic_cohort`](super::Design::toxic_cohort) of the last cohort.
    pub toxic: bool,
}

impl<const W: usize> Key<W> {
    pub const EMPTY: Self = Key {
        fields: [0; W],
        current: 0,
        toxic: false,
    };

    /// Unpacks n and x of the first `layout.doses` doses.
    #[inline(always)]
    pub fn unpack(&self, layout: &Layout, n: &mut [u32], x: &mut [u32]) {
        let mask = (1u64 << layout.bits) - 1;
        for d in 0..layout.doses {
            let (wn, sn) = layout.at(2 * d);
            let (wx, sx) = layout.at(2 * d + 1);
            n[d] = (self.fields[wn] >> sn & mask) as u32;
            x[d] = (self.fields[wx] >> sx & mask) as u32;
        }
    }

    /// This state after `patients` more with `dlts` DLTs at `dose`, a cohort
    /// `toxic` or not; the caller has checked that the new n fits its field.
    #[inline(always)]
    pub fn treated(
        mut self,
        layout: &Layout,
        dose: usize,
        patients: u32,
        dlts: u32,
        toxic: bool,
    ) -> Self {
        let (wn, sn) = layout.at(2 * dose);
        let (wx, sx) = layout.at(2 * dose + 1);
        self.fields[wn] += u64::from(patients) << sn;
        self.fields[wx] += u64::from(dlts) << sx;
        self.current = dose as u8;
        self.toxic = toxic;
        self
    }

    /// What `decide` sees in this state, whose counts are `n` and `x`.
    #[inline(always)]
    pub fn observed<'a>(&self, n: &'a [u32], x: &'a [u32]) -> super::Observed<'a> {
        super::Observed {
            n,
            x,
            current: usize::from(self.current),
            last_toxic: self.toxic,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_packs_the_3_plus_3_tightly() {
        let l = Layout::new(10, 6).unwrap();
        assert_eq!((l.bits, l.words, l.at(19)), (3, 1, (0, 57)));
        // 21 fields of 3 bits fill a word; the 22nd starts the next.
        let l = Layout::new(11, 6).unwrap();
        assert_eq!((l.words, l.at(20), l.at(21)), (2, (0, 60), (1, 0)));
        assert_eq!(Layout::new(32, 16).unwrap().words, 6);
        assert!(Layout::new(32, 300).is_none());
    }

    #[test]
    fn keys_round_trip() {
        let layout = Layout::new(3, 6).unwrap();
        let key = Key::<1>::EMPTY
            .treated(&layout, 1, 3, 1, true)
            .treated(&layout, 1, 3, 0, false)
            .treated(&layout, 2, 3, 2, true);
        let (mut n, mut x) = ([0; 3], [0; 3]);
        key.unpack(&layout, &mut n, &mut x);
        assert_eq!(
            (n, x, key.current, key.toxic),
            ([0, 6, 3], [0, 1, 2], 2, true)
        );
    }
}
