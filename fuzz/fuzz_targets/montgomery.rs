//! Differential: iamjwt-arith's exponentiations (`pow_mod` for secret
//! exponents, `pow_public` for public ones) and inversion against
//! crypto-bigint's on any odd modulus, base and exponent the bytes describe.
//! A panic or a different answer is a crash.
#![no_main]
use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, NonZero, Odd, Resize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // [slack][modulus length][exponent length] modulus ‖ exponent ‖ base.
    // Exponents up to 32 bytes: the limb loops depend on the modulus, and
    // short exponents keep the runs fast.
    let [slack, m_len, e_len, rest @ ..] = data else { return };
    let (m_len, e_len) = (usize::from(*m_len).max(1), usize::from(*e_len % 33).max(1));
    if rest.len() < m_len + e_len {
        return;
    }
    let (m_bytes, rest) = rest.split_at(m_len);
    let (e_bytes, b_bytes) = rest.split_at(e_len);
    let mut m_bytes = m_bytes.to_vec();
    *m_bytes.last_mut().unwrap() |= 1; // odd
    let m = BoxedUint::from_be_slice_vartime(&m_bytes);
    let Some(odd) = Odd::new(m.clone()).into_option() else { return };
    let e = BoxedUint::from_be_slice_vartime(e_bytes);
    let base = BoxedUint::from_be_slice_vartime(b_bytes);

    let bound = m.bit_width_vartime() + u32::from(*slack % 64);
    let got = iamjwt::montgomery::pow_mod(&base, &e, &odd, bound);

    let precision = m.bits_precision();
    let wide = base.bits_precision().max(precision);
    let reduced = (&base)
        .resize_unchecked(wide)
        .rem_vartime(&NonZero::new((&m).resize_unchecked(wide)).unwrap())
        .resize_unchecked(precision);
    let inverse = iamjwt_arith::invert::invert_odd_mod(&reduced, &odd);
    assert_eq!(inverse, reduced.invert_odd_mod(&odd).into_option(), "m={m} x={reduced}");

    let public = iamjwt::montgomery::pow_public(&base, &e, &odd);
    let params = BoxedMontyParams::new(odd);
    let want = BoxedMontyForm::new(reduced, &params).pow(&e).retrieve();
    match got {
        Some(got) => assert_eq!(got, want, "m={m} e={e} base={base} bound={bound}"),
        None => assert!(bound.div_ceil(28) as usize + 1 > iamjwt::montgomery::MAX_LIMBS),
    }
    // Moduli here are at most 2040 bits, which the kernel always takes.
    assert_eq!(public, Some(want), "pow_public m={m} e={e} base={base}");
});
