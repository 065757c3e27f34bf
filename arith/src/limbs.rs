//! Limb vectors that wipe themselves when dropped.

use alloc::vec::Vec;
use core::ops::{Deref, DerefMut};
use zeroize::Zeroize;

/// A `Vec<u32>` of limbs, wiped (elements and spare capacity, as
/// `Zeroizing<Vec<u32>>` wipes) when dropped, through one out-of-line
/// function. `Zeroizing`'s volatile stores were inlined at every drop in
/// this crate (compiled at opt-level 3): 3 KB of .wasm.
#[derive(Clone)]
pub(crate) struct Limbs(Vec<u32>);

impl Limbs {
    pub(crate) fn new(limbs: Vec<u32>) -> Self {
        Self(limbs)
    }
}

impl Deref for Limbs {
    type Target = Vec<u32>;
    fn deref(&self) -> &Vec<u32> {
        &self.0
    }
}

impl DerefMut for Limbs {
    fn deref_mut(&mut self) -> &mut Vec<u32> {
        &mut self.0
    }
}

impl Drop for Limbs {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

#[inline(never)]
fn wipe(limbs: &mut Vec<u32>) {
    limbs.zeroize();
}
