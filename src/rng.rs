//! A buffer in front of the system rng: one signature draws about 350
//! bytes in seven pieces (salt, base, exponent and modulus blinding), and in
//! WebAssembly each draw from the system is a call out to
//! `crypto.getRandomValues`. The buffer is wiped when dropped.

use rsa::rand_core::{TryCryptoRng, TryRng};
use zeroize::Zeroizing;

const SIZE: usize = 512;

/// Serves draws from `SIZE` bytes taken from `inner` at a time.
pub(crate) struct Buffered<R> {
    inner: R,
    buffer: Zeroizing<[u8; SIZE]>,
    used: usize,
}

/// The system rng behind the buffer: what every signature draws from
/// (`signJwt` and the key check alike, so the signing code is compiled for
/// one rng type only).
pub(crate) fn system() -> Buffered<getrandom::SysRng> {
    Buffered::new(getrandom::SysRng)
}

impl<R> Buffered<R> {
    pub(crate) fn new(inner: R) -> Self {
        Buffered {
            inner,
            buffer: Zeroizing::new([0; SIZE]),
            used: SIZE,
        }
    }
}

impl<R: TryRng> TryRng for Buffered<R> {
    type Error = R::Error;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, mut dst: &mut [u8]) -> Result<(), Self::Error> {
        while !dst.is_empty() {
            if self.used == SIZE {
                self.inner.try_fill_bytes(&mut self.buffer[..])?;
                self.used = 0;
            }
            let available = self.buffer.get(self.used..).unwrap_or_default();
            let take = available.len().min(dst.len());
            let (head, rest) = dst.split_at_mut(take);
            head.copy_from_slice(available.get(..take).unwrap_or_default());
            // Each byte is served once: wipe it as it leaves.
            if let Some(served) = self.buffer.get_mut(self.used..self.used + take) {
                served.fill(0);
            }
            self.used += take;
            dst = rest;
        }
        Ok(())
    }
}

impl<R: TryCryptoRng> TryCryptoRng for Buffered<R> {}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::{Buffered, SIZE};
    use alloc::vec;
    use alloc::vec::Vec;
    use rsa::rand_core::TryRng;

    /// Counts its calls and gives 0, 1, 2, … as bytes.
    struct Counting {
        calls: usize,
        next: u8,
    }
    impl TryRng for Counting {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            unreachable!()
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            unreachable!()
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            self.calls += 1;
            for b in dst {
                *b = self.next;
                self.next = self.next.wrapping_add(1);
            }
            Ok(())
        }
    }

    #[test]
    fn serves_the_inner_stream_in_order_with_one_call_per_buffer() {
        let mut rng = Buffered::new(Counting { calls: 0, next: 0 });
        let mut out = vec![0u8; 3 * SIZE + 7];
        for chunk in out.chunks_mut(33) {
            rng.try_fill_bytes(chunk).unwrap();
        }
        let expected: Vec<u8> = (0..out.len()).map(|i| i as u8).collect();
        assert_eq!(out, expected);
        assert_eq!(rng.inner.calls, 4);
        // Served bytes are wiped from the buffer.
        assert!(rng.buffer[..7].iter().all(|&b| b == 0));
    }
}
