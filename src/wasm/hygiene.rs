//! Memory hygiene for the .wasm: key material must not outlive the key in
//! wasm linear memory, which JS can read. Every freed heap block is wiped
//! ([`WipingAllocator`]), and every binding that touches a key holds a
//! [`StackScrub`], which wipes the stack below it as it returns.

/// Every heap block is wiped when freed, so no temporary that held key
/// material (in this crate or in rsa and crypto-bigint, whose big integers do
/// not wipe themselves) survives in wasm memory after it is dropped.
pub(crate) struct WipingAllocator;

// SAFETY: delegates to dlmalloc (the allocator std uses on wasm32); only
// adds a wipe of the block being freed, which the caller owns until
// `dealloc` returns.
unsafe impl core::alloc::GlobalAlloc for WipingAllocator {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        unsafe { dlmalloc::GlobalDlmalloc.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: core::alloc::Layout) {
        // SAFETY: `ptr` is a live block of `layout.size()` bytes owned by the caller.
        unsafe { wipe(ptr, layout.size()) };
        // SAFETY: same contract as the caller's.
        unsafe { dlmalloc::GlobalDlmalloc.dealloc(ptr, layout) }
    }
}

/// Zeroes `len` bytes at `ptr` in one `memory.fill` (bulk memory), then
/// hands the pointer to `black_box`, which the compiler must assume reads
/// them, so the zeroes are not dropped as dead stores. zeroize's
/// per-byte volatile stores did the same one byte at a time: for the 64 KiB
/// stack scrub, most of the time a key took to parse (bench/levers.md).
/// tests/js/secrets.test.mjs scans the whole wasm memory for key material
/// after keys are freed, which is what this must achieve.
///
/// # Safety
/// `ptr` must be valid for writes of `len` bytes.
#[inline(never)]
unsafe fn wipe(ptr: *mut u8, len: usize) {
    // SAFETY: the caller's contract.
    unsafe { core::ptr::write_bytes(ptr, 0, len) };
    core::hint::black_box(ptr);
    core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
}

#[global_allocator]
static ALLOCATOR: WipingAllocator = WipingAllocator;

/// Wipes the stack below it when dropped: RSA arithmetic leaves limbs of
/// the primes in stack frames, which live in wasm linear memory too. Every
/// export that touches a private key holds one, so its frames are wiped
/// when it returns.
pub(crate) struct StackScrub;

/// How much stack below an export is wiped; the deepest RSA frames use
/// under 16 KiB (measured in tests/js/secrets.test.mjs).
const SCRUB_BYTES: usize = 64 * 1024;

impl Drop for StackScrub {
    #[inline(never)]
    fn drop(&mut self) {
        let mut frame = core::mem::MaybeUninit::<[u8; SCRUB_BYTES]>::uninit();
        // SAFETY: the frame is SCRUB_BYTES bytes of this function's own stack.
        unsafe { wipe(frame.as_mut_ptr().cast::<u8>(), SCRUB_BYTES) };
        core::hint::black_box(&frame);
    }
}
